"""Frozen releases: each quarter's figures computed once, when it opens, and read ever after.

A quarter opens the day after its collection window closes
(``survey_app.periods.results_open_on``). The first time anything asks for
figures on or after that day, :func:`ensure_releases` computes the
release of every opened quarter that has none yet, oldest first, each one
audited together with every release stored before it, and stores it. From
then on pages, exports and the CLI read the stored row; nothing computes
figures on the fly, and the day comes from the server's clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analysis import GateConfig, QuarterlyReport, quarterly_report, trend_quarters
from analysis.disclosure import release_from_json, release_to_json
from questionnaires import Catalogue
from survey_app.analysis_source import load_analysis_data
from survey_app.models import InvitationTally, Response, StoredRelease
from survey_app.models import base as clock
from survey_app.periods import results_open_on, shift_quarter

__all__ = ["ensure_releases", "gate_config", "opened_quarters", "release_summary",
           "stored_releases"]


def gate_config(config: Mapping) -> GateConfig:
    """The gate's settings from the app's configuration."""
    return GateConfig(min_respondents=config["MIN_RESPONDENTS"],
                      min_comment_group=config["MIN_COMMENT_GROUP"])


def _first_quarter(session: Session) -> str | None:
    found = [session.scalar(select(func.min(Response.quarter))),
             session.scalar(select(func.min(InvitationTally.quarter)))]
    found = [q for q in found if q]
    return min(found) if found else None


def opened_quarters(session: Session, collection_days: int, today: date | None = None) -> list[str]:
    """Every quarter from the first with data whose results have opened, oldest first."""
    today = today or clock.today()
    first = _first_quarter(session)
    if first is None:
        return []
    out, label = [], first
    while results_open_on(label, collection_days) <= today:
        out.append(label)
        label = shift_quarter(label, 1)
    return out


def stored_releases(session: Session) -> list[StoredRelease]:
    """Every stored release, oldest period first."""
    return list(session.scalars(select(StoredRelease).order_by(StoredRelease.period)))


def _settings(config: GateConfig, collection_days: int, catalogue: Catalogue) -> dict:
    return {"min_respondents": config.min_respondents,
            "min_comment_group": config.min_comment_group,
            "min_comment_writers": config.min_comment_writers,
            "protection_width": config.protection_width,
            "answer_protection_width": config.answer_protection_width,
            "sameness_band": config.sameness_band,
            "collection_days": collection_days,
            "questionnaires": sorted(f"{q.key} v{q.version}" for q in catalogue.questionnaires)}


def _digest(*parts: str | None) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update((part or "").encode("utf-8"))
        hasher.update(b"\x00")
    return hasher.hexdigest()


def _row(report: QuarterlyReport, today: date, settings: dict) -> StoredRelease:
    text = report.to_json()
    responses = release_to_json(report.release) if report.release is not None else None
    leavers = (release_to_json(report.leaver_release) if report.leaver_release is not None
               else None)
    return StoredRelease(period=report.quarter, created_on=today, settings=settings, report=text,
                         responses=responses, leavers=leavers,
                         digest=_digest(text, responses, leavers))


def ensure_releases(session: Session, *, collection_days: int, config: GateConfig,
                    catalogue: Catalogue, headcount: pd.DataFrame | None = None) -> list[str]:
    """Store the release of every opened quarter that has none; returns the periods stored.

    Each new release is audited against every release stored before it; a
    stored release is never recomputed. Two servers doing this at once: the
    second insert fails on the period's key and its work is dropped.
    """
    today = clock.today()
    opened = opened_quarters(session, collection_days, today)
    stored = {r.period: r for r in stored_releases(session)}
    missing = [q for q in opened if q not in stored]
    if not missing:
        return []
    if any(p > missing[0] for p in stored):  # pragma: no cover - only a hand-deleted row
        raise RuntimeError(f"release {missing[0]} is missing but later releases exist")
    earlier = [r for p, r in sorted(stored.items()) if p < missing[0]]
    released = [release_from_json(r.responses, config) for r in earlier if r.responses]
    released_leavers = [release_from_json(r.leavers, config) for r in earlier if r.leavers]
    quarters = sorted({q for m in missing for q in trend_quarters(m)}
                      | {shift_quarter(m, -back) for m in missing for back in range(8)})
    data = load_analysis_data(session, catalogue, quarters=quarters, headcount=headcount,
                              today=today)
    settings = _settings(config, collection_days, catalogue)
    created = []
    for label in missing:
        report = quarterly_report(data, label, catalogue=catalogue, config=config, today=today,
                                  released=tuple(released),
                                  released_leavers=tuple(released_leavers))
        row = _row(report, today, settings)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another server stored it first: read theirs from now on
            row = session.get(StoredRelease, label)
        created.append(label)
        if row.responses:
            released.append(release_from_json(row.responses, config))
        if row.leavers:
            released_leavers.append(release_from_json(row.leavers, config))
    return created


def release_summary(row: StoredRelease) -> dict:
    """What a stored release holds, for the admin listing: tables, shown and hidden rows."""
    tables = shown = hidden = 0
    for text in (row.responses, row.leavers):
        if not text:
            continue
        for table in json.loads(text)["tables"]:
            tables += 1
            for cells in table["rows"]:
                shown += bool(cells[-3])
                hidden += not cells[-3]
    return {"period": row.period, "created_on": row.created_on.isoformat(), "tables": tables,
            "shown": shown, "hidden": hidden, "digest": row.digest[:12],
            "min_respondents": row.settings.get("min_respondents"),
            "questionnaires": ", ".join(row.settings.get("questionnaires", []))}
