"""The answer counts a report publishes, audited together with every earlier release.

Reason shares, would-recommend, would-come-back, the condition questions,
the early-leaver comparisons, the changes and the survey-versus-interview
comparison all print how many in a shown group gave an answer (exactly, or
as the sameness words). :func:`protect_answers` turns each of them into a
figure over the answer cube's cells (``disclosure.AnswerFigure``), adds the
figures earlier releases published (``Release.answers``), runs the answer
audit and withholds what it says: the counts of that figure and of every
figure that shares its key. What stays is what this release publishes, kept
in ``Release.answers`` so that later releases are audited against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._cube import Cube
from ._findings import EARLY, population_counts
from ._reasons import ReasonTable
from ._windows import trend_quarters
from ._wording import PROTECTIVE_WORDS, exact_share, withhold
from .disclosure import (
    ALL,
    TENURE_FINE,
    TENURE_SCHEMES,
    AnswerFigure,
    GateConfig,
    Release,
    audit_answers,
    reason_label,
    sameness_band_size,
)
from .disclosure._bounds import natural_groups

__all__ = ["ANSWER_COLUMNS", "feature_truth", "protect_answers"]

#: How a release keeps its published answer figures (one row per figure).
ANSWER_COLUMNS = ["feature", "source", "quarters", "administration", "occupational_group",
                  "bands", "lo", "hi"]
_DERIVED_LAST = 10**9
_NUMBERS = {"recommend": ["answered", "score", "low", "high"],
            "come_back": ["answered", "yes", "no", "unsure", "share", "low", "high"],
            "conditions": ["answered", "dont_know", "n1", "n2", "n3", "n4", "n5", "mean",
                           "share_good", "low", "high"]}


class Group(NamedTuple):
    """Whose answers a figure counts: a source and quarters, optionally narrowed."""

    source: str
    quarters: tuple[str, ...]
    administration: str | None = None
    occupational_group: str | None = None
    bands: frozenset[str] | None = None


def feature_truth(cube: Cube) -> dict[str, np.ndarray]:
    """Per feature the answers per cube cell: ``reasons=pay``, ``main=pay``, ``cond_x=n4``..."""
    out: dict[str, np.ndarray] = {}

    def add(name: str, column: int) -> None:
        out[name] = out.get(name, 0) + cube.counts[:, column]

    for column, (question, answer) in enumerate(zip(cube.features["question"],
                                                    cube.features["answer"], strict=True)):
        question, answer = str(question), str(answer)
        if question == "reasons":
            add(f"reasons={answer}", column)
        elif question == "main_reason":
            add(f"main={answer}", column)
        elif question == "recommend" and answer.isdigit():
            add("recommend=answered", column)
            if int(answer) >= 9:
                add("recommend=promoters", column)
            elif int(answer) <= 6:
                add("recommend=detractors", column)
        elif question == "come_back" and answer in ("yes", "no", "unsure"):
            add(f"come_back={answer}", column)
            add("come_back=answered", column)
        elif question.startswith("cond_"):
            if answer == "dont_know":
                add(f"{question}=dont_know", column)
            elif answer in ("1", "2", "3", "4", "5"):
                add(f"{question}=n{answer}", column)
                add(f"{question}=answered", column)
                if answer in ("4", "5"):
                    add(f"{question}=good", column)
    return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}


def _bands(scheme: str | None, value) -> frozenset[str] | None:
    if value is None or value == ALL:
        return None
    mapping = TENURE_SCHEMES[scheme or "fine"]
    return frozenset(b for b in TENURE_FINE if mapping.get(b) == value)


def _early_bands(scheme: str | None, early: str) -> frozenset[str]:
    labels = EARLY[early].get(scheme or "rollup", ())
    return frozenset(b for b in TENURE_FINE
                     if TENURE_SCHEMES[scheme or "rollup"].get(b) in labels)


class _Cells:
    """Cube cells of a group, remembered: many figures share one group."""

    def __init__(self, cube: Cube) -> None:
        self.keys = {d: cube.keys[d].astype(str).to_numpy() for d in cube.keys.columns}
        self._memo: dict[Group, np.ndarray] = {}

    def __call__(self, group: Group) -> np.ndarray:
        if group not in self._memo:
            keys = self.keys
            mask = (keys["source"] == group.source) & np.isin(keys["period"], group.quarters)
            if group.administration is not None:
                mask &= keys["administration"] == group.administration
            if group.occupational_group is not None:
                mask &= keys["occupational_group"] == group.occupational_group
            if group.bands is not None:
                mask &= np.isin(keys["tenure_band"], list(group.bands))
            self._memo[group] = np.flatnonzero(mask)
        return self._memo[group]


@dataclass
class _Collector:
    """This release's answer figures, with the group each one is about."""

    cells: _Cells
    truth: dict[str, np.ndarray]
    people: np.ndarray
    config: GateConfig

    def __post_init__(self) -> None:
        self.figures: list[AnswerFigure] = []
        self.groups: list[Group] = []

    def add(self, feature: str, group: Group, key, *, exact: bool, words_of=None,
            derived: bool = False) -> None:
        """An exact count, or (``words_of`` the whole) the range the sameness words leave."""
        if feature not in self.truth:
            return
        cells = self.cells(group)
        part = int(self.truth[feature][cells].sum())
        if exact:
            lo = hi = part
        elif words_of is not None:
            whole = int(words_of)
            band = int(sameness_band_size(whole, self.config))
            lo, hi = (whole - band, whole) if whole - part <= band else (0, band)
        else:
            return
        # A comparison or change is a sum of table figures: hidden only when nothing in the
        # tables it is made from can be (it carries the report's findings).
        size = int(self.people[cells].sum()) + (_DERIVED_LAST if derived else 0)
        self.figures.append(AnswerFigure(feature, cells, float(lo), float(hi), key, size))
        self.groups.append(group)


def _group_of(source, quarters, row, dims, scheme) -> Group:
    def value(dim):
        v = row.get(dim) if dim in dims else None
        return None if v is None or v == ALL else str(v)

    return Group(source, tuple(quarters), value("administration"), value("occupational_group"),
                 _bands(scheme, row.get("tenure_band")) if "tenure_band" in dims else None)


def _worded(text) -> bool:
    return isinstance(text, str) and text in PROTECTIVE_WORDS


def _reason_figures(out: _Collector, tables: Sequence[ReasonTable]) -> None:
    for table in tables:
        dims = list(table.dims)
        for row in table.shares.to_dict("records"):
            group = _group_of(table.source, table.window.quarters, row, dims, table.tenure_scheme)
            at = tuple(str(row[d]) for d in dims)
            if row["measure"] == "mentioned":
                feature, key = f"reasons={row['reason']}", ("share", table.name, at, row["reason"])
            else:
                feature, key = f"main={row['reason']}", ("share", table.name, at, "main")
            exact = not pd.isna(row["count"])
            out.add(feature, group, key, exact=exact,
                    words_of=row["n"] if _worded(row["text_sv"]) else None)


def _figure_rows(out: _Collector, name: str, frame: pd.DataFrame, place) -> None:
    """Would recommend, come back and the conditions, per shown tenure group."""
    for i, row in enumerate(frame.to_dict("records") if len(frame) else []):
        quarters, scheme = place[row["source"], row["window"]]
        group = _group_of(row["source"], quarters, row, ["tenure_band"], scheme)
        key = (name, i)
        released = not pd.isna(row["answered"])
        if name == "recommend":
            out.add("recommend=answered", group, key, exact=released)
            scored = not pd.isna(row["score"])
            for side in ("promoters", "detractors"):
                # Without the score the text gives each share: a percentage is a count.
                part = int(out.truth.get(f"recommend={side}", np.zeros(1))[out.cells(group)].sum()) \
                    if f"recommend={side}" in out.truth else 0
                exact = scored or (released and bool(exact_share(part, row["answered"],
                                                                  out.config)))
                out.add(f"recommend={side}", group, key, exact=exact,
                        words_of=row["answered"] if released else None)
        elif name == "come_back":
            out.add("come_back=answered", group, key, exact=released)
            exact = not pd.isna(row["yes"])
            for answer in ("yes", "no", "unsure"):
                out.add(f"come_back={answer}", group, key, exact=exact,
                        words_of=row["answered"] if released and answer == "yes" else None)
        else:
            question = row["question"]
            out.add(f"{question}=answered", group, key, exact=released)
            out.add(f"{question}=dont_know", group, key, exact=not pd.isna(row["dont_know"]))
            exact = not pd.isna(row["n1"])
            for value in range(1, 6):
                out.add(f"{question}=n{value}", group, key, exact=exact)
            out.add(f"{question}=good", group, key, exact=exact,
                    words_of=row["answered"] if released else None)


def _two_sided(out: _Collector, name: str, frame: pd.DataFrame, sides) -> None:
    """Comparisons, changes and survey against interview: a count on each side."""
    for i, row in enumerate(frame.to_dict("records") if len(frame) else []):
        measure = row.get("measure", "mentioned")
        feature = f"{'reasons' if measure == 'mentioned' else 'main'}={row['reason']}"
        for group, count, whole in sides(row):
            exact = not pd.isna(row[count])
            out.add(feature, group, (name, i), exact=exact,
                    words_of=row[whole] if not exact and row[whole] >= out.config.min_respondents
                    else None, derived=True)


def _earlier(released: Iterable[Release], cells: _Cells, truth, people):
    """Figures earlier releases published, fixed. One the data no longer agrees with (a
    quarter not loaded, a correction since) is no equation and is left out."""
    out = []
    for release in released:
        frame = release.answers
        if frame is None or not len(frame):
            continue
        for row in frame.to_dict("records"):
            quarters = tuple(row["quarters"].split("|"))
            if row["feature"] not in truth:
                continue
            group = Group(row["source"], quarters, row["administration"] or None,
                          row["occupational_group"] or None,
                          frozenset(row["bands"].split("|")) if row["bands"] else None)
            at = cells(group)
            value = truth[row["feature"]][at].sum()
            if not row["lo"] - 1e-9 <= value <= row["hi"] + 1e-9:
                continue  # the data changed since (a correction): no longer true, not an equation
            out.append(AnswerFigure(row["feature"], at, float(row["lo"]), float(row["hi"]), None,
                                    int(people[at].sum())))
    return out


def _shown_upper(cells: _Cells, releases: Iterable[Release], n_cells: int) -> np.ndarray:
    """Per cell, the smallest shown group of people around it: all an attacker knows of how
    many answers a cell can hold (inf where no shown group covers it)."""
    upper = np.full(n_cells, np.inf)
    for table in (t for r in releases for t in r.tables):
        where = dict(table.request.where)
        if "source" not in where or "period" not in where or len(where["source"]) != 1:
            continue
        dims = list(table.request.dims)
        for row in table.shown_rows().to_dict("records"):
            if "unit" in dims and row["unit"] != ALL:
                continue  # a unit is no sum of answer cells; its administration row is
            group = _group_of(where["source"][0], where["period"], row, dims,
                              table.tenure_scheme)
            at = cells(group)
            upper[at] = np.minimum(upper[at], int(row["count"]))
    return upper


def _quantities(cube: Cube, windows, k: int, counts=None) -> list[np.ndarray]:
    """Every natural group of 1..k-1 people (or of ``counts`` per cell) over the cube's cells."""
    universe = cube.keys.astype(str)
    universe["count"] = cube.n if counts is None else counts
    return natural_groups(universe, sorted(windows), k, list(cube.keys.columns),
                          complements=True)


def _answered_quantities(cube: Cube, truth, windows, k: int) -> dict[str, list[np.ndarray]]:
    """For a scale question's answers, the groups in which 1..k-1 answered it: its
    distribution there is as personal as a small group's."""
    out = {}
    for feature, answered in truth.items():
        question, _, what = feature.partition("=")
        if what != "answered" or not question.startswith("cond_"):
            continue
        found = _quantities(cube, windows, k, answered)
        for value in (*(f"n{v}" for v in range(1, 6)), "good"):
            out[f"{question}={value}"] = found
    return out


def _hide_shares(tables: Sequence[ReasonTable], hidden: frozenset, config) -> list[ReasonTable]:
    out = []
    for table in tables:
        dims = list(table.dims)
        shares = table.shares.copy()
        keep = np.ones(len(shares), dtype=bool)
        for i, row in enumerate(shares.to_dict("records")):
            at = tuple(str(row[d]) for d in dims)
            tag = row["reason"] if row["measure"] == "mentioned" else "main"
            keep[i] = ("share", table.name, at, tag) not in hidden
        if keep.all():
            out.append(table)
            continue
        withhold(shares, keep, ["count", "share", "low", "high"])
        for lang in ("sv", "en"):
            shares.loc[~keep, f"text_{lang}"] = reason_label("protects_other", config, lang)
        out.append(replace(table, shares=shares))
    return out


def _hide_rows(name: str, frame: pd.DataFrame, hidden: frozenset, config) -> pd.DataFrame:
    if not len(frame):
        return frame
    keep = np.asarray([(name, i) not in hidden for i in range(len(frame))], dtype=bool)
    if keep.all():
        return frame
    if name not in _NUMBERS:  # a comparison that would give the counts away is not made
        return frame[keep].reset_index(drop=True)
    frame = frame.copy()
    withhold(frame, keep, _NUMBERS[name])
    for lang in ("sv", "en"):
        frame.loc[~keep, f"text_{lang}"] = reason_label("protects_other", config, lang)
    return frame


_DERIVED = {"trends": ["events", "statistic", "pvalue", "slope", "first", "last", "adjusted"]}


def _exact_counts(table: ReasonTable, measure: str, reason, bands) -> bool:
    """Whether every count of ``reason`` (every reason when ALL) in the rows ``bands`` of a
    tenure table is printed as a number."""
    shares = table.shares
    rows = shares[(shares["measure"] == measure) & shares["tenure_band"].isin(list(bands))]
    if reason != ALL:
        rows = rows[rows["reason"] == reason]
    return bool(rows["count"].notna().all())


def _population_bands(table: ReasonTable, population: str, early: str):
    if population == "all":
        return [ALL]
    labels = EARLY[early].get(table.tenure_scheme or "rollup", ())
    return [b for b in table.groups["tenure_band"] if b in labels]


def _derived_only_from_numbers(stacked: dict, tables: Sequence[ReasonTable], label: str,
                               early: str) -> dict:
    """Trends keep their statistics only where every count they are computed from is printed:
    events and a slope over a worded or withheld count give it back. The sentence (rounded
    shares, words of certainty) stays. Associations are not yet treated so (docs/disclosure.md)."""
    tenure = {(t.source, t.window.label): t for t in tables if t.dims == ("tenure_band",)}
    frames = dict(stacked)
    trends = frames.get("trends")
    if trends is not None and len(trends):
        keep = []
        for row in trends.to_dict("records"):
            ok = True
            for q in trend_quarters(label):
                table = tenure.get((row["source"], q))
                if table is None or population_counts(table, row["population"],
                                                      early=early) is None:
                    continue  # not in the series
                bands = _population_bands(table, row["population"], early)
                ok &= _exact_counts(table, "mentioned", row["reason"], bands)
            keep.append(ok)
        frames["trends"] = withhold(trends.copy(), keep, _DERIVED["trends"])
    return frames


def protect_answers(reasons: Sequence[ReasonTable], stacked: dict, cube: Cube,
                    config: GateConfig, *, release: Release, label: str, early: str,
                    released: Sequence[Release]):
    """Audit every published answer figure; returns the reason tables and frames as they may be
    published, and those figures as rows for ``Release.answers``."""
    truth = feature_truth(cube)
    people = np.asarray(cube.n, dtype=np.int64)
    cells = _Cells(cube)
    out = _Collector(cells, truth, people, config)
    _reason_figures(out, reasons)
    place = {(t.source, t.window.label): (t.window.quarters, t.tenure_scheme)
             for t in reasons if t.dims == ("tenure_band",)}
    for name in ("recommend", "come_back", "conditions"):
        _figure_rows(out, name, stacked.get(name, pd.DataFrame()), place)

    def early_sides(row):
        quarters, scheme = place[row["source"], row["window"]]
        inside = _early_bands(scheme, early)
        return [(Group(row["source"], quarters, bands=inside), "count1", "n1"),
                (Group(row["source"], quarters, bands=frozenset(TENURE_FINE) - inside),
                 "count2", "n2")]

    def change_sides(row):
        sides = []
        for side in ("1", "2"):
            quarters, scheme = place[row["source"], row[f"period{side}"]]
            bands = _early_bands(scheme, early) if row["population"] == "early" else None
            sides.append((Group(row["source"], quarters, bands=bands), f"count{side}", f"n{side}"))
        return sides

    def source_sides(row):
        sides = []
        for source in ("survey", "interview"):
            quarters, scheme = place[source, row["window"]]
            sides.append((Group(source, quarters, bands=_bands(scheme, row["tenure_band"])),
                          f"count_{source}", f"n_{source}"))
        return sides

    _two_sided(out, "comparisons", stacked.get("comparisons", pd.DataFrame()), early_sides)
    _two_sided(out, "changes", stacked.get("changes", pd.DataFrame()), change_sides)
    _two_sided(out, "sources", stacked.get("sources", pd.DataFrame()), source_sides)
    earlier = _earlier(released, cells, truth, people)
    windows = {g.quarters for g in out.groups if len(g.quarters) > 1}
    windows |= {tuple(f.split("|")) for r in released if r.answers is not None
                for f in r.answers["quarters"] if "|" in f}
    quantities = _quantities(cube, windows, config.min_respondents)
    upper = _shown_upper(cells, [*released, release], len(people))
    extra = _answered_quantities(cube, truth, windows, config.min_respondents)
    worded: dict[str, list[np.ndarray]] = {}
    if config.exact_words_audit:
        for figure in [*earlier, *out.figures]:  # words printed before may not turn exact later
            if figure.lo != figure.hi:
                worded.setdefault(figure.feature, []).append(figure.cells)
    hidden, leaks = audit_answers(upper, truth, [*earlier, *out.figures], quantities,
                                  config.answer_protection_width, extra=extra, always=worded)
    tables = _hide_shares(reasons, hidden, config)
    frames = {name: _hide_rows(name, frame, hidden, config) for name, frame in stacked.items()}
    frames = _derived_only_from_numbers(frames, tables, label, early)
    kept = [(f, g) for f, g in zip(out.figures, out.groups, strict=True) if f.key not in hidden]
    answers = pd.DataFrame([{
        "feature": f.feature, "source": g.source, "quarters": "|".join(g.quarters),
        "administration": g.administration or "", "occupational_group": g.occupational_group or "",
        "bands": "|".join(sorted(g.bands)) if g.bands is not None else "",
        "lo": f.lo, "hi": f.hi} for f, g in kept], columns=ANSWER_COLUMNS)
    return tables, frames, answers, leaks
