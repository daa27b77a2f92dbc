"""The one adapter from the database to ``analysis``: rows in, an ``AnalysisData`` out.

Nothing else in the analysis knows the database. This module reads the
exit-survey responses of every questionnaire version (by stable question
keys, through ``questionnaires.tidy_responses``), the invitations counted
per unit, quarter and tenure band (for response rates), and the organisation
tree, placing each unit in the administration it belonged to at the end of
the quarter (from ``OrgUnitPlacement``; the current parent where no
placement covers that day). Free text is never read here: the app opens
sealed texts only for ``analysis.quarter_comments``.

Exit interviews arrive with a later issue: they will be read by a second
function into rows with ``source = "interview"``; the analysis already
handles them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import AnalysisData
from analysis.disclosure import quarter as quarter_period
from questionnaires import Catalogue, tidy_responses
from survey_app.models import InvitationTally, OrgUnit, OrgUnitPlacement, Response

__all__ = ["OrgTree", "load_analysis_data"]

_CATEGORIES = ("source", "channel", "period", "administration", "unit", "occupational_group",
               "tenure_band", "ending_type")


class OrgTree:
    """Units, their parents over time, and the administration a unit sat in on a given day."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.kind,
                                      OrgUnit.parent_id)).all()
        self.nodes = {r.id: r for r in rows}
        self.placements: dict[int, list] = {}
        for p in session.execute(select(OrgUnitPlacement.unit_id, OrgUnitPlacement.parent_id,
                                        OrgUnitPlacement.valid_from, OrgUnitPlacement.valid_to)):
            self.placements.setdefault(p.unit_id, []).append(p)
        self._cache: dict[tuple[int, date], int | None] = {}

    def parent_at(self, node_id: int, day: date) -> int | None:
        """The parent on ``day``: the placement covering it, else today's parent."""
        for p in self.placements.get(node_id, ()):
            if p.valid_from <= day and (p.valid_to is None or day < p.valid_to):
                return p.parent_id
        return self.nodes[node_id].parent_id

    def administration_at(self, node_id: int, day: date) -> int | None:
        """The nearest administration above (or at) the node on ``day``; None if there is none."""
        key = (node_id, day)
        if key not in self._cache:
            seen, current = set(), node_id
            while current is not None and current not in seen and \
                    self.nodes[current].kind != "administration":
                seen.add(current)
                current = self.parent_at(current, day)
            self._cache[key] = current
        return self._cache[key]

    def code(self, node_id: int | None) -> str | None:
        return None if node_id is None else self.nodes[node_id].code

    def frame(self, day: date) -> pd.DataFrame:
        """Every unit with its administration on ``day``: the ``org`` input of the analysis."""
        rows = []
        for node in self.nodes.values():
            if node.kind != "unit":
                continue
            admin = self.administration_at(node.id, day)
            rows.append({"unit": node.code, "unit_name": node.name,
                         "administration": self.code(admin) or "unknown",
                         "administration_name": self.nodes[admin].name if admin else "unknown"})
        return pd.DataFrame(rows, columns=["unit", "unit_name", "administration",
                                           "administration_name"])


def _survey(session: Session, catalogue: Catalogue, tree: OrgTree, quarters, key: str):
    query = select(Response.id, Response.questionnaire_key, Response.questionnaire_version,
                   Response.source, Response.unit_id, Response.occupational_group_code,
                   Response.tenure_band, Response.ending_type, Response.quarter,
                   Response.answers).where(Response.questionnaire_key == key)
    if quarters is not None:
        query = query.where(Response.quarter.in_(list(quarters)))
    rows, records = [], []
    for r in session.execute(query.order_by(Response.id)):
        end = quarter_period(r.quarter).end
        rows.append({"response_id": r.id, "source": "survey", "channel": r.source,
                     "period": r.quarter,
                     "administration": tree.code(tree.administration_at(r.unit_id, end)),
                     "unit": tree.code(r.unit_id), "occupational_group": r.occupational_group_code,
                     "tenure_band": r.tenure_band, "ending_type": r.ending_type})
        records.append({"response_id": r.id, "questionnaire": r.questionnaire_key,
                        "version": r.questionnaire_version, "answers": r.answers or {}})
    return rows, tidy_responses(records, catalogue)


def _invitations(session: Session, tree: OrgTree, quarters, key: str) -> pd.DataFrame:
    # The tallies, not the invitations: a used invitation no longer knows its group.
    query = (select(InvitationTally.unit_id, InvitationTally.quarter.label("leaving_quarter"),
                    InvitationTally.tenure_band, InvitationTally.invited, InvitationTally.used)
             .where(InvitationTally.questionnaire_key == key))
    if quarters is not None:
        query = query.where(InvitationTally.quarter.in_(list(quarters)))
    rows = [{"period": r.leaving_quarter,
             "administration": tree.code(tree.administration_at(
                 r.unit_id, quarter_period(r.leaving_quarter).end)) or "unknown",
             "unit": tree.code(r.unit_id), "tenure_band": r.tenure_band,
             "invited": int(r.invited), "used": int(r.used or 0)} for r in session.execute(query)]
    return pd.DataFrame(rows, columns=["period", "administration", "unit", "tenure_band", "invited",
                                       "used"])


def load_analysis_data(session: Session, catalogue: Catalogue, *,
                       quarters: Sequence[str] | None = None, questionnaire_key: str = "exit_survey",
                       headcount: pd.DataFrame | None = None, today: date | None = None) -> AnalysisData:
    """Read responses, invitations and the organisation into an :class:`analysis.AnalysisData`.

    ``quarters`` limits what is read (all quarters by default; a report
    needs its eight quarters, see ``analysis.trend_quarters``).
    ``headcount`` is an optional frame from ``analysis.parse_headcount_csv``.
    ``today`` dates the organisation frame (today's tree by default).
    """
    tree = OrgTree(session)
    rows, answers = _survey(session, catalogue, tree, quarters, questionnaire_key)
    responses = pd.DataFrame(rows, columns=["response_id", "source", "channel", "period",
                                            "administration", "unit", "occupational_group",
                                            "tenure_band", "ending_type"])
    for column in _CATEGORIES:
        responses[column] = responses[column].astype("category")
    answers = answers[["response_id", "question", "option", "value"]].copy()
    answers["question"] = answers["question"].astype("category")
    answers["option"] = answers["option"].astype("category")
    # Closed answers hold numbers (scales) or nothing in ``value``; anything else is not counted.
    answers["value"] = pd.to_numeric(answers["value"], errors="coerce").astype(np.float64)
    notes = ("Enheter placeras i den förvaltning de tillhörde när kvartalet slutade "
             "(organisationens historik); där historik saknas används dagens förvaltning. / "
             "Units are placed in the administration they belonged to at the end of the quarter; "
             "where the history has no entry, today's administration is used.",)
    return AnalysisData(responses, answers,
                        invitations=_invitations(session, tree, quarters, questionnaire_key),
                        org=tree.frame(today or date.today()), headcount=headcount, notes=notes)
