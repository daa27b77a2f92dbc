"""Reasons for leaving by tenure band: counts and shares with Wilson intervals, gated first.

A reason table is one gated table of the release (groups of respondents by
tenure band, possibly by administration or occupational group) plus, for
every *shown* group, how many named each reason ("mentioned": any of the
ticked reasons; "main": the one that mattered most). Hidden groups keep only
their reason text; no number is computed for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires import Catalogue

from ._cube import Cube
from ._intervals import wilson_interval
from ._sums import Sums, sum_shown
from ._windows import Window
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
    share as text (``text_sv``, ``text_en``) with the sameness rule. Reason
    labels are in the catalogue (and in the report's JSON, once).
    """

    name: str
    source: str
    window: Window
    dims: tuple[str, ...]
    tenure_scheme: str | None
    groups: pd.DataFrame
    shares: pd.DataFrame


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
    return ReasonTable(table.request.name, source, window, tuple(dims), table.tenure_scheme,
                       group_frame(table, sums, config), pd.DataFrame(columns))
