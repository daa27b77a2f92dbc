"""The complete quarterly analysis: one call, one gated release, one immutable result.

``quarterly_report`` counts the responses once, gates every table of the
report together (and against earlier releases, when given), computes every
statistic from the shown groups only, words the findings and picks the
lessons. A quarter that has not closed gives a report that says so and
holds no figures at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from questionnaires import Catalogue

from ._answer_figures import protect_answers
from ._change import change_findings, trend_findings
from ._cube import build_cubes, coarsen_units
from ._data import AnalysisData
from ._figures import come_back_figures, condition_figures, recommend_figures, response_rates
from ._findings import EARLY, association_findings, early_comparison
from ._headcount import early_leaver_rates, gate_leavers, leaver_requests, turnover_rates
from ._lessons import pick_lessons
from ._reasons import reason_table
from ._report_types import QuarterlyReport
from ._sources import compare_sources
from ._sums import sum_shown
from ._windows import (
    report_requests,
    report_tables,
    report_windows,
    shift,
    table_name,
    trend_quarters,
)
from ._wording import Thresholds
from .disclosure import GateConfig, Release, gate_release, period_is_closed
from .disclosure import quarter as quarter_period

__all__ = ["quarterly_report"]

_TENURE = ("tenure_band",)


def _closed_message(label: str) -> tuple[str, str]:
    opens = quarter_period(label).end + timedelta(days=1)
    return (f"Kvartalet {label} är inte avslutat. Resultaten visas från {opens.isoformat()}.",
            f"The quarter {label} has not closed. Results are shown from {opens.isoformat()}.")


def _stack(parts: list[tuple[dict, pd.DataFrame]]) -> pd.DataFrame:
    frames = []
    for keys, frame in parts:
        if frame is None or frame.empty:
            continue
        frame = frame.copy()
        for position, (name, value) in enumerate(keys.items()):
            frame.insert(position, name, value)
        frames.append(frame)
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame(columns=list(parts[0][0]) if parts else [])


def _notes(data: AnalysisData, excluded: int, tables, config: GateConfig) -> tuple[str, ...]:
    notes = list(data.notes)
    k = config.min_respondents
    if excluded:
        size = str(excluded) if excluded >= k else f"färre än {k}"
        notes.append(f"{size} svar saknar anställningstid (öppen länk) och räknas inte med i "
                     f"tabellerna. / "
                     f"{size.replace('färre än', 'fewer than')} responses have no tenure band "
                     f"(open link) and are left out.")
    if "interview" not in data.sources:
        notes.append("Inga avslutssamtal finns ännu; jämförelsen med enkäten är tom. / "
                     "No exit interviews yet; the comparison with the survey is empty.")
    for table in tables:
        total = table.groups[table.groups["is_total"] & table.groups["shown"]]
        if len(total) and total["open_link_sv"].notna().any():
            notes.append(f"{table.name}: {total['open_link_sv'].iloc[0]} av svaren kom via öppen länk "
                         f"(anställningstid och yrkesgrupp uppgivna av den svarande). / "
                         f"{total['open_link_en'].iloc[0]} of the responses came through an open "
                         f"link (tenure and occupational group stated by the respondent).")
    return tuple(notes)


def _unit_periods(label: str, released: Sequence[Release]):
    """Periods whose responses some table (of this report or an earlier release) shows by unit."""
    periods = {label}
    for table in (t for r in released for t in r.tables):
        if "unit" in table.request.used_dims:
            spans = [values for dim, values in table.request.where if dim == "period"]
            if not spans:
                return None  # an all-time table by unit: keep every unit of every period
            periods.update(spans[0])
    return periods


def _tables(release, answers, units, leavers, catalogue, config, label, sources):
    """Reason tables and the figures read from the gated tables of the release."""
    reasons, parts = [], {"response_rates": [], "recommend": [], "come_back": [], "conditions": []}

    def leaver_table(name: str):
        return leavers.table(name) if leavers is not None else None

    for source, window, dims in report_tables(label, sources):
        gated = release.table(table_name(source, window.label, dims))
        keys = {"source": source, "window": window.label}
        if dims == ("administration", "unit"):
            parts["response_rates"].append((keys, response_rates(
                gated, sum_shown(units, gated), leaver_table(
                    f"leavers {label}–{label} administration x unit"), config)))
            continue
        sums = sum_shown(answers, gated)
        reasons.append(reason_table(gated, answers, catalogue, config, source, window, sums))
        if source == "survey" and window.kind == "quarter" and window.label != label:
            parts["response_rates"].append((keys, response_rates(
                gated, sums, leaver_table(f"leavers {window.label} administration"), config,
                total_only=True)))
        if dims == _TENURE and (window.kind != "quarter" or window.label == label):
            parts["recommend"].append((keys, recommend_figures(sums, answers, config)))
            parts["come_back"].append((keys, come_back_figures(sums, answers, config)))
            parts["conditions"].append((keys, condition_figures(sums, answers, catalogue, config)))
    return reasons, {name: _stack(found) for name, found in parts.items()}


def _findings(tenure, catalogue, config, thresholds, early, label, sources) -> dict:
    """Associations, early-vs-rest, survey-vs-interview, changes and trends, per source."""
    labels = {r.key: r.label for r in catalogue.reasons}
    parts = {name: [] for name in ("associations", "comparisons", "changes", "trends", "sources")}
    for source in sources:
        for window in report_windows(label):
            table = tenure[source, window.label]
            keys = {"source": source, "window": window.label}
            parts["associations"].append((keys, association_findings(table, labels, thresholds)))
            for measure in ("mentioned", "main"):
                parts["comparisons"].append((keys, early_comparison(
                    table, labels, config, thresholds, measure, early)))
            if source == "survey" and "interview" in sources:
                parts["sources"].append(({"window": window.label}, compare_sources(
                    table, tenure["interview", window.label], labels, config, thresholds)))
        for back in (1, 4):
            parts["changes"].append(({"source": source}, change_findings(
                tenure[source, label], tenure[source, shift(label, -back)], labels, config,
                thresholds, early)))
        series = [tenure[source, q] for q in trend_quarters(label)]
        parts["trends"].append(({"source": source}, trend_findings(series, labels, thresholds,
                                                                   early)))
    return {name: _stack(found) for name, found in parts.items()}


def quarterly_report(data: AnalysisData, quarter: str, *, catalogue: Catalogue,
                     config: GateConfig, today: date, thresholds: Thresholds | None = None,
                     early: str = "lt_2y", released: Sequence[Release] = (),
                     released_leavers: Sequence[Release] = ()) -> QuarterlyReport:
    """Every figure of the quarterly review for ``quarter``, gated, as one object.

    Parameters
    ----------
    data : AnalysisData
    quarter : str
        The quarter, like ``"2026Q3"``.
    catalogue : questionnaires.Catalogue
        Reason labels and the frameworks lessons point at.
    config : GateConfig
        The gate's settings (minimum group, comments).
    today : date
        The period lock's clock: a quarter is shown from the day after it ends.
    thresholds : Thresholds, optional
        When a result may be worded as a finding.
    early : {"lt_2y", "lt_1y"}
        Who counts as an early leaver in the comparisons (under two years by default).
    released : sequence of Release
        Response releases already shown to anyone (``report.release`` of earlier
        reports); their figures are fixed in the audit.
    released_leavers : sequence of Release
        The same for the leaver counts (``report.leaver_release``).

    Examples
    --------
    >>> report = quarterly_report(data, "2026Q3", catalogue=load_catalogue(),
    ...                           config=GateConfig(), today=date(2026, 10, 2))  # doctest: +SKIP
    >>> report.lessons[0].text_sv  # doctest: +SKIP
    'Bland dem som slutade inom två år nämnde 41 % ”Introduktionen”, ...'
    """
    if not isinstance(data, AnalysisData):
        raise ValueError("data must be an AnalysisData")
    if not isinstance(config, GateConfig):
        raise ValueError("config must be a GateConfig")
    if early not in EARLY:
        raise ValueError(f"early must be one of {', '.join(EARLY)}")
    label = quarter_period(quarter).label
    thresholds = thresholds or Thresholds()
    windows = report_windows(label)
    if not period_is_closed(label, today):
        message = _closed_message(label)
        return QuarterlyReport.closed_quarter(label, today, config, windows, message)
    answers_cube, units, gate_counts, _ = build_cubes(data)
    responses = data.responses
    excluded = int((responses["tenure_band"].isna() & (responses["period"] == label)).sum())
    periods = set(trend_quarters(label)) | {q for w in windows for q in w.quarters}
    gate_counts = coarsen_units(gate_counts[gate_counts["period"].isin(periods)],
                                _unit_periods(label, released))
    sources = data.sources or ("survey",)
    release = gate_release(gate_counts, report_requests(label, sources), config, today=today,
                           released=released)
    leaver_tables = leaver_requests((label,), windows[1].quarters, trend_quarters(label)[:-1])
    leavers = gate_leavers(data, leaver_tables, config, today, released_leavers)
    reasons, stacked = _tables(release, answers_cube, units, leavers, catalogue, config, label,
                               sources)
    tenure = {(t.source, t.window.label): t for t in reasons if t.dims == _TENURE}
    stacked.update(_findings(tenure, catalogue, config, thresholds, early, label, sources))
    # Answer counts last, once every figure that prints one exists: audited together.
    reasons, stacked, answers, answer_leaks = protect_answers(
        reasons, stacked, answers_cube, config, release=release, label=label, early=early,
        released=released)
    release = replace(release, answers=answers, leaks=release.leaks + answer_leaks)
    tenure = {(t.source, t.window.label): t for t in reasons if t.dims == _TENURE}
    turnover = early_leavers = None
    if data.headcount is not None and leavers is not None:
        turnover = turnover_rates(data, (label,), config, today,
                                  table=leavers.table(leaver_tables[0].name))
        early_leavers = early_leaver_rates(data, windows[1].quarters, config, today,
                                           table=leavers.table(leaver_tables[1].name))

    def survey_only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["source"] == "survey"] if len(frame) else frame

    comparisons_q = survey_only(stacked["comparisons"])
    if len(comparisons_q):
        comparisons_q = comparisons_q[(comparisons_q["window"] == label)
                                      & (comparisons_q["measure"] == "mentioned")]
    lessons = pick_lessons(catalogue, thresholds, comparisons=comparisons_q,
                           changes=survey_only(stacked["changes"]),
                           trends=survey_only(stacked["trends"]), window=label)
    quarter_tables = [tenure[s, label] for s in sources]
    return QuarterlyReport(
        quarter=label, today=today, closed=True, min_respondents=config.min_respondents,
        message_sv=_summary(quarter_tables[0], lessons, config, "sv"),
        message_en=_summary(quarter_tables[0], lessons, config, "en"),
        notes=_notes(data, excluded, quarter_tables, config), windows=windows,
        reasons=tuple(reasons), turnover=turnover, early_leavers=early_leavers,
        lessons=lessons, release=release, leaver_release=leavers,
        reason_labels={r.key: {"sv": r.label.sv, "en": r.label.en} for r in catalogue.reasons},
        **stacked)


def _summary(table, lessons, config: GateConfig, lang: str) -> str:
    total = table.groups[table.groups["is_total"]]
    label = table.window.label
    if total.empty:
        return (f"Inga svar för {label}." if lang == "sv" else f"No responses for {label}.")
    if not bool(total["shown"].iloc[0]):
        hidden = total[f"hidden_{lang}"].iloc[0]
        return (f"{label}: resultaten visas inte ({hidden})." if lang == "sv"
                else f"{label}: results are not shown ({hidden}).")
    n = int(total["n"].iloc[0])
    text = f"{label}: {n} svar i enkäten." if lang == "sv" else f"{label}: {n} survey responses."
    if not lessons:
        return text + (" Inga skillnader som säkert kan skiljas från slumpen." if lang == "sv"
                       else " No differences that can safely be told apart from chance.")
    first = lessons[0].finding_sv if lang == "sv" else lessons[0].finding_en
    more = (f" Starkaste fyndet: {first}" if lang == "sv" else f" Strongest finding: {first}")
    count = len(lessons)
    if lang == "sv":
        return text + more + f" ({count} {'lärdom' if count == 1 else 'lärdomar'}.)"
    return text + more + f" ({count} {'lesson' if count == 1 else 'lessons'}.)"

