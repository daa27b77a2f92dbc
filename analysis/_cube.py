"""Counting once: responses and answers summed into small cubes the tables are read from.

A million responses are counted once into *cells* (source x period x
administration x occupational group x tenure band) and, per cell, how many
gave each answer (a *feature*: a question and one of its answers). Every
table is then a sum over cells of a group the gate has shown, so the cost of
a table does not grow with the number of responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._data import AnalysisData

__all__ = ["CELL_DIMS", "GATE_DIMS", "Cube", "build_cubes", "coarsen_units"]

#: The dimensions answers are counted by.
CELL_DIMS = ("source", "period", "administration", "occupational_group", "tenure_band")
#: The dimensions the gate sees (the finest cells of the report's tables).
GATE_DIMS = ("source", "period", "administration", "unit", "occupational_group", "tenure_band")
_UNIT_DIMS = ("source", "period", "administration", "unit")
_TOP_VALUE = 10  # answers on a scale are whole numbers 0..10


@dataclass(frozen=True, eq=False)
class Cube:
    """Counts per cell: ``keys`` (labels), responses ``n``, by channel, and per feature."""

    keys: pd.DataFrame
    n: np.ndarray
    open_link: np.ndarray
    invitation: np.ndarray
    features: pd.DataFrame
    counts: np.ndarray
    codes: dict
    labels: dict

    def feature_index(self, question: str) -> dict[str, int]:
        """Column of each answer of ``question`` in ``counts``."""
        rows = self.features[self.features["question"] == question]
        return dict(zip(rows["answer"], rows.index, strict=True))

    def answer_counts(self, counts: np.ndarray, question: str, answers) -> np.ndarray:
        """From summed ``counts`` (groups x features), the columns of ``answers`` (0 if unseen)."""
        index = self.feature_index(question)
        out = np.zeros((counts.shape[0], len(answers)), dtype=np.int64)
        for j, answer in enumerate(answers):
            if answer in index:
                out[:, j] = counts[:, index[answer]]
        return out


def _codes(series: pd.Series, dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and string labels; categoricals are read, not hashed."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = np.asarray([str(v) for v in series.cat.categories], dtype=object)
        return series.cat.codes.to_numpy().astype(dtype), labels
    codes, labels = pd.factorize(series, sort=True)
    return codes.astype(dtype), np.asarray([str(v) for v in labels], dtype=object)


def _group(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Dense group id per row over several code columns, and the first row of each group."""
    key = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    for column, size in zip(codes, sizes, strict=True):
        key = key * (size + 1) + column
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), first


def _answer_codes(answers: pd.DataFrame, option_codes: np.ndarray, n_options: int) -> np.ndarray:
    """Option code, or ``n_options + v`` for a whole number v in 0..10, or -1 (int32, in place)."""
    values = answers["value"]
    if values.dtype.kind in "fiu":
        numbers = values.to_numpy()
    else:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    codes = option_codes  # int32, owned here
    usable = codes < 0
    usable &= numbers >= 0
    usable &= numbers <= _TOP_VALUE
    number = np.full(len(codes), -1, dtype=np.int32)
    np.copyto(number, numbers, where=usable, casting="unsafe")
    usable &= number == numbers  # whole numbers only
    np.add(number, n_options, out=number, where=usable)
    np.copyto(codes, number, where=usable)
    return codes


def _features(data: AnalysisData, cell_of_row: np.ndarray, n_cells: int):
    """The features seen, and the count of each per cell (cells x features).

    Written for a million responses (13 million answer rows): int32 codes,
    in-place arithmetic and two bincounts, no sort.
    """
    answers = data.answers
    combined, q_labels = _codes(answers["question"], np.int32)
    option_codes, o_labels = _codes(answers["option"], np.int32)
    width = len(o_labels) + _TOP_VALUE + 1
    answer = _answer_codes(answers, option_codes, len(o_labels))
    dummy = len(q_labels) * width  # uncountable rows (no option, no number) land here
    invalid = combined < 0
    invalid |= answer < 0
    combined *= width
    combined += answer
    combined[invalid] = dummy
    del answer, invalid
    # The codes are bounded, so a presence table replaces a sort of every answer row.
    present = np.flatnonzero(np.bincount(combined, minlength=dummy + 1)[:dummy])
    wide = len(present) + 1
    kind = np.int32 if (n_cells + 1) * wide < 2**31 else np.int64
    lookup = np.full(dummy + 1, len(present), dtype=kind)
    lookup[present] = np.arange(len(present))
    key = cell_of_row.astype(kind)[data.answer_rows]
    key[key < 0] = n_cells  # answers of responses left out: a spare row, dropped below
    key *= wide
    key += lookup[combined]
    flat = np.bincount(key, minlength=(n_cells + 1) * wide)
    names = np.concatenate([o_labels, np.asarray([str(v) for v in range(_TOP_VALUE + 1)], object)])
    table = pd.DataFrame({"question": q_labels[present // width], "answer": names[present % width],
                          "numeric": (present % width) >= len(o_labels)})
    return table, flat.reshape(n_cells + 1, wide)[:n_cells, :len(present)].astype(np.int64)


def _cube(coded: dict, dims: Sequence[str], rows: np.ndarray, weights: dict) -> tuple:
    """Group ``rows`` (codes per dim) by ``dims``: keys, group per row, and summed weights."""
    codes = [coded[d][0][rows] for d in dims]
    group, first = _group(codes, [len(coded[d][1]) for d in dims])
    cell_codes = {d: c[first] for d, c in zip(dims, codes, strict=True)}
    labels = {d: coded[d][1] for d in dims}
    keys = pd.DataFrame({d: pd.Categorical.from_codes(cell_codes[d], labels[d]) for d in dims})
    sums = {name: np.bincount(group, weights=w, minlength=len(first)).astype(np.int64)
            for name, w in weights.items()}
    return keys, group, sums, cell_codes, labels


def build_cubes(data: AnalysisData) -> tuple[Cube, Cube, pd.DataFrame, int]:
    """The answer cube, the unit cube, the gate's counts, and how many responses had no band.

    Responses without a tenure band (open-link respondents who did not say)
    cannot be placed in a band and are left out of every table. The gate's
    finest cells are counted from the responses; the two cubes from those cells.
    """
    responses = data.responses
    keep = responses["tenure_band"].notna().to_numpy()
    coded = {d: _codes(responses[d]) for d in GATE_DIMS}
    kept = np.flatnonzero(keep)
    channel = responses["channel"].to_numpy()[kept]
    g_keys, g_group, g_sums, g_codes, _ = _cube(coded, GATE_DIMS, kept, {
        "count": None, "open_link": channel == "open_link", "invitation": channel == "invitation"})
    cell_coded = {d: (g_codes[d], coded[d][1]) for d in GATE_DIMS}
    cells = np.arange(len(g_keys))
    weights = {name: g_sums[name] for name in ("count", "open_link", "invitation")}
    keys, group, sums, codes, labels = _cube(cell_coded, CELL_DIMS, cells, weights)
    cell_of_row = np.full(len(responses), -1, dtype=np.int64)
    cell_of_row[kept] = group[g_group]
    features, counts = _features(data, cell_of_row, len(keys))
    if (counts > sums["count"][:, None]).any():
        raise ValueError("answers list the same answer twice for one response")
    answers = Cube(keys, sums["count"], sums["open_link"], sums["invitation"], features, counts,
                   codes, labels)
    u_keys, _, u_sums, u_codes, u_labels = _cube(cell_coded, _UNIT_DIMS, cells, weights)
    units = Cube(u_keys, u_sums["count"], u_sums["open_link"], u_sums["invitation"],
                 pd.DataFrame({"question": [], "answer": []}),
                 np.zeros((len(u_keys), 0), dtype=np.int64), u_codes, u_labels)
    g_keys["count"] = g_sums["count"]
    return answers, units, g_keys, int((~keep).sum())


def coarsen_units(counts: pd.DataFrame, periods) -> pd.DataFrame:
    """Counts (dims and ``count``) with units merged per administration outside ``periods``.

    A period that no table breaks down by unit needs no unit detail: its
    cells by unit are twins in every group the gate sees, so merging them
    changes no decision of the gate and saves it most of its work.
    """
    if periods is None:
        return counts
    keep = counts["period"].isin(list(periods)).to_numpy()
    if keep.all():
        return counts
    dims = [c for c in counts.columns if c != "count"]
    coded = {d: _codes(counts[d]) for d in dims}
    unit_codes, unit_labels = coded["unit"]
    admin_codes, admin_labels = coded["administration"]
    placeholder = np.asarray([f"({a})" for a in admin_labels], dtype=object)
    coded["unit"] = (np.where(keep, unit_codes, len(unit_labels) + admin_codes),
                     np.concatenate([unit_labels, placeholder]))
    weights = counts["count"].to_numpy()
    keys, _, sums, _, _ = _cube(coded, dims, np.arange(len(counts)), {"count": weights})
    keys["count"] = sums["count"]
    return keys
