"""Reasons for leaving by tenure band: counts and shares with Wilson intervals, gated first.

A reason table is one gated table of the release (groups of respondents by
tenure band, possibly by administration or occupational group) plus, for
every *shown* group, how many named each reason ("mentioned": any of the
ticked reasons; "main": the one that mattered most). Hidden groups keep only
their reason text; no number is computed for them. A share the sameness rule
words ("alla eller nästan alla", "inga eller nästan inga") keeps its words
and carries no count, exact share or interval (``_wording.exact_share``);
the counts themselves stay inside ``analysis`` for the statistics
(``ReasonTable.internal_counts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from questionnaires import Catalogue

from ._cube import Cube
from ._intervals import wilson_interval
from ._sums import Sums, sum_shown
from ._windows import Window
from ._wording import exact_share, withhold
from .disclosure import GateConfig, GatedTable, format_share, reason_label

__all__ = ["MEASURES", "ReasonTable", "reason_table"]

#: measure -> the question key it counts.
MEASURES = {"mentioned": "reasons", "main": "main_reason"}


@dataclass(frozen=True, eq=False)
class ReasonTable:
    """Reasons by the groups of one gated table.

    ``groups``: the table's groups (dims, ``n`` as gated, ``shown``,
    ``hidden_sv``/``hidden_en`` saying why a group is hidden, ``is_total``,
    ``open_link_sv``/``open_link_en``: how many of the group answered
    through an open link). ``shares``: per shown group, measure and reason:
    ``count``, ``n``, ``share``, ``low``, ``high`` (95 % Wilson) and the
    share as text (``text_sv``, ``text_en``) with the sameness rule; where
    the text is the sameness words, ``count``, ``share``, ``low`` and
    ``high`` are missing. Reason labels are in the catalogue (and in the
    report's JSON, once).

    ``internal_counts`` (dims, ``measure``, ``reason``, ``count``, ``n``)
    holds every shown group's counts, also those the shares word instead of
    print. The statistics (tests, changes, trends) are computed from it; it
    is never written out (the report's JSON has ``groups`` and ``shares``
    only) and must not be shown.
    """

    name: str
    source: str
    window: Window
    dims: tuple[str, ...]
    tenure_scheme: str | None
    groups: pd.DataFrame
    shares: pd.DataFrame
    internal_counts: pd.DataFrame | None = field(default=None, repr=False)

    def counts(self) -> pd.DataFrame:
        """The counts the statistics use: ``internal_counts``, or ``shares`` when there is none."""
        return self.internal_counts if self.internal_counts is not None else self.shares


def _texts(parts, wholes, config: GateConfig, lang: str) -> list[str]:
    return [format_share(int(p), int(w), config, lang=lang) for p, w in zip(parts, wholes, strict=True)]


def group_frame(table: GatedTable, sums: Sums, config: GateConfig) -> pd.DataFrame:
    """The gated groups with the reason text of hidden ones and the open-link share of shown ones."""
    frame = table.frame
    shown = frame["shown"].to_numpy(dtype=bool)
    columns = {d: frame[d].to_numpy() for d in table.request.dims}
    columns.update(n=frame["count"].array, shown=shown, is_total=frame["is_total"].to_numpy(bool))
    position = np.flatnonzero(shown)
    for lang in ("sv", "en"):
        columns[f"hidden_{lang}"] = [None if r is None else reason_label(r, config, lang)
                                     for r in frame["reason"]]
        opened = np.full(len(frame), None, dtype=object)
        opened[position] = [t if o > 0 else None for t, o in zip(
            _texts(sums.open_link, sums.n, config, lang), sums.open_link, strict=True)]
        columns[f"open_link_{lang}"] = opened
    return pd.DataFrame(columns)


def reason_table(table: GatedTable, cube: Cube, catalogue: Catalogue, config: GateConfig,
                 source: str, window: Window, sums: Sums | None = None) -> ReasonTable:
    """Counts and shares of every catalogue reason in every shown group of ``table``.

    Examples
    --------
    See ``tests/analysis/test_reasons.py``; the report builds these for you.
    """
    sums = sums if sums is not None else sum_shown(cube, table)
    dims = list(table.request.dims)
    keys = [r.key for r in catalogue.reasons]
    groups, width = len(sums.keys), len(keys)
    columns = {d: np.tile(np.repeat(sums.keys[d].to_numpy(), width), len(MEASURES)) for d in dims}
    columns["measure"] = np.repeat(list(MEASURES), groups * width)
    columns["reason"] = np.tile(keys, groups * len(MEASURES))
    count = np.concatenate([cube.answer_counts(sums.counts, q, keys).reshape(-1)
                            for q in MEASURES.values()])
    n = np.tile(np.repeat(sums.n, width), len(MEASURES))
    columns["count"], columns["n"] = count, n
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["share"] = count / n
    columns["low"], columns["high"] = wilson_interval(count, n)
    columns["text_sv"] = _texts(count, n, config, "sv")
    columns["text_en"] = _texts(count, n, config, "en")
    shares = pd.DataFrame(columns)
    internal = shares[[*dims, "measure", "reason", "count", "n"]].copy()
    withhold(shares, exact_share(count, n, config), ["count", "share", "low", "high"])
    return ReasonTable(table.request.name, source, window, tuple(dims), table.tenure_scheme,
                       group_frame(table, sums, config), shares, internal)
