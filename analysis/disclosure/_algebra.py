"""Exact sparse linear algebra over the integers for the disclosure audit.

Rows are dicts ``{column: int}``. Elimination is fraction-free: a row is
reduced by ``a * row - b * pivot`` and then divided by the gcd of its
entries, so every number stays an exact, small Python int. Each row carries
a *tag*, the integer combination of the original published rows it equals,
which is how the audit can say which published figures reveal a hidden one.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from fractions import Fraction
from math import gcd

__all__ = ["Basis", "echelon_basis", "express"]

Vector = dict[int, int]


def _subtract_into(out: Vector, a: int, b: int, right: Vector) -> None:
    """``out = a * out - b * right`` in place (``out`` is owned by the caller)."""
    if a != 1:
        for key in out:
            out[key] *= a
    for key, value in right.items():
        new = out.get(key, 0) - b * value
        if new:
            out[key] = new
        else:
            out.pop(key, None)


def _normalise(vec: Vector, tag: Vector, alpha: int) -> tuple[Vector, Vector, int]:
    g = alpha
    for value in vec.values():
        g = gcd(g, value)
        if g == 1:
            return vec, tag, alpha
    for value in tag.values():
        g = gcd(g, value)
        if g == 1:
            return vec, tag, alpha
    if g > 1:
        vec = {k: v // g for k, v in vec.items()}
        tag = {k: v // g for k, v in tag.items()}
        alpha //= g
    return vec, tag, alpha


class Basis:
    """An echelon basis of published rows: pivot column -> (row, tag)."""

    def __init__(self) -> None:
        self.pivots: dict[int, tuple[Vector, Vector]] = {}

    def reduce(self, vec: Vector, tag: Vector, alpha: int) -> tuple[Vector, Vector, int]:
        """Reduce ``vec`` by the pivots; the relation ``vec = alpha*t + sum(tag*rows)`` is kept.

        ``vec`` and ``tag`` are updated in place and returned (pass fresh dicts).
        """
        pivots = self.pivots
        # A pivot row holds only columns after its pivot, so pivots are met in rising order.
        todo = [c for c in vec if c in pivots]
        heapq.heapify(todo)
        while todo:
            p = heapq.heappop(todo)
            b = vec.get(p)
            if not b:
                continue
            prow, ptag = pivots[p]
            a = prow[p]
            for c in prow:
                if c != p and c in pivots and c not in vec:
                    heapq.heappush(todo, c)
            _subtract_into(vec, a, b, prow)
            _subtract_into(tag, a, b, ptag)
            if a != 1:
                alpha *= a
                vec, tag, alpha = _normalise(vec, tag, alpha)
        return vec, tag, alpha

    def add(self, row_id: int, columns: Iterable[int]) -> None:
        """Add a 0/1 published row; a row dependent on earlier ones adds nothing."""
        vec, tag, _ = self.reduce({c: 1 for c in columns}, {row_id: 1}, 1)
        if vec:
            self.pivots[min(vec)] = (vec, tag)


def echelon_basis(rows: Sequence[tuple[int, Sequence[int]]]) -> Basis:
    """The basis of 0/1 rows given as ``(row_id, columns)``, shortest rows first to limit fill-in."""
    basis = Basis()
    for row_id, columns in sorted(rows, key=lambda item: (len(item[1]), item[0])):
        basis.add(row_id, columns)
    return basis


def express(basis: Basis, columns: Iterable[int]) -> dict[int, Fraction] | None:
    """Coefficients over row ids that sum to the 0/1 vector on ``columns``, or None if none do.

    Examples
    --------
    >>> b = echelon_basis([(0, [1, 2]), (1, [2])])
    >>> express(b, [1])
    {0: Fraction(1, 1), 1: Fraction(-1, 1)}
    """
    vec, tag, alpha = basis.reduce({c: 1 for c in columns}, {}, 1)
    if vec:
        return None
    # alpha * t + sum(tag * rows) == 0, hence t = sum(-tag / alpha * rows).
    return {row: Fraction(-value, alpha) for row, value in sorted(tag.items())}
