"""Sums over the shown groups of a gated table, read from a cube of counted cells.

This is the one place where a gated table meets the counts: a group the
gate shows is summed over its cells (merged tenure bands followed), a group
it hides is never summed, and every sum of respondents is checked against
the gated count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from ._cube import Cube
from .disclosure import ALL, TENURE_SCHEMES, GatedTable

__all__ = ["Sums", "sum_shown"]


@dataclass(frozen=True, eq=False)
class Sums:
    """The shown groups of a gated table (``keys``: dims and gated ``count``) and their sums."""

    keys: pd.DataFrame
    n: np.ndarray
    open_link: np.ndarray
    invitation: np.ndarray
    counts: np.ndarray


def _codes_in(cube: Cube, dim: str, mask: np.ndarray, scheme: str | None):
    codes, labels = cube.codes[dim][mask], cube.labels[dim]
    if dim == "tenure_band" and scheme is not None:
        mapping = TENURE_SCHEMES[scheme]
        merged, labels = pd.factorize(np.asarray([mapping.get(v, "") for v in labels], object),
                                      sort=True)
        codes = merged[codes]
    return codes.astype(np.int64), {str(v): i for i, v in enumerate(labels)}


def sum_shown(cube: Cube, table: GatedTable) -> Sums:
    """The shown rows of a gated table and, for each, the cube's sums over its cells.

    Only groups the gate has shown are summed (statistics on gated data only);
    a sum that disagrees with the gated count is a programming error.
    """
    shown = table.shown_rows()
    dims = list(table.request.dims)
    mask = np.ones(len(cube.keys), dtype=bool)
    for dim, values in table.request.where:
        mask &= np.isin(cube.labels[dim], list(values))[cube.codes[dim]]
    scheme = table.tenure_scheme or table.request.tenure
    coded = {d: _codes_in(cube, d, mask, scheme) for d in dims}
    values = np.column_stack([cube.n[mask], cube.open_link[mask], cube.invitation[mask],
                              cube.counts[mask]]).astype(np.int64)
    out = np.zeros((len(shown), values.shape[1]), dtype=np.int64)
    pattern = shown[dims].eq(ALL).to_numpy() if len(shown) else np.zeros((0, len(dims)), bool)
    for shape in {tuple(row) for row in pattern.tolist()}:
        kept = [d for d, is_all in zip(dims, shape, strict=True) if not is_all]
        rows = np.flatnonzero((pattern == np.asarray(shape)).all(axis=1))
        cell_key = np.zeros(int(mask.sum()), dtype=np.int64)
        row_key = np.zeros(len(rows), dtype=np.int64)
        for dim in kept:
            codes, index = coded[dim]
            wanted = np.asarray([index.get(str(v), -1) for v in shown[dim].to_numpy()[rows]])
            if (wanted < 0).any():
                raise RuntimeError(f"{table.request.name}: a shown group has no cells")
            cell_key = cell_key * (len(index) + 1) + codes
            row_key = row_key * (len(index) + 1) + wanted
        uniq, group = np.unique(cell_key, return_inverse=True)
        indicator = csr_matrix((np.ones(len(group)), (group.reshape(-1), np.arange(len(group)))),
                               shape=(len(uniq), len(group)))
        block = np.asarray(indicator @ values, dtype=np.int64)
        at = np.searchsorted(uniq, row_key)
        if (at >= len(uniq)).any() or (uniq[np.minimum(at, len(uniq) - 1)] != row_key).any():
            raise RuntimeError(f"{table.request.name}: a shown group has no cells")
        out[rows] = block[at]
    if not np.array_equal(out[:, 0], shown["count"].to_numpy(dtype=np.int64)):
        raise RuntimeError(f"{table.request.name}: counted groups differ from the gated counts")
    return Sums(shown[[*dims, "count"]].reset_index(drop=True), out[:, 0], out[:, 1], out[:, 2],
                out[:, 3:])
