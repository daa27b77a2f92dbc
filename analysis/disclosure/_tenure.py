"""Tenure-band merging: fine bands roll up so that more of a table can be shown.

Fine keys ``lt_6m, 6_12m, 1_2y, 2_5y, 5_10y, gt_10y``; the report roll-up
``lt_1y, 1_2y, gt_2y``; and the last merge ``lt_2y, gt_2y``. The gate tries the
requested granularity first and merges further only when that keeps more
respondents visible.
"""

from __future__ import annotations

__all__ = ["TENURE_FINE", "TENURE_SCHEMES", "merge_candidates", "tenure_map"]

TENURE_FINE: tuple[str, ...] = ("lt_6m", "6_12m", "1_2y", "2_5y", "5_10y", "gt_10y")

#: Scheme name -> (band -> merged band) for every key that scheme can absorb.
TENURE_SCHEMES: dict[str, dict[str, str]] = {
    "fine": {key: key for key in TENURE_FINE},
    "rollup": {
        "lt_6m": "lt_1y",
        "6_12m": "lt_1y",
        "lt_1y": "lt_1y",
        "1_2y": "1_2y",
        "2_5y": "gt_2y",
        "5_10y": "gt_2y",
        "gt_10y": "gt_2y",
        "gt_2y": "gt_2y",
    },
    "lt_2y": {
        "lt_6m": "lt_2y",
        "6_12m": "lt_2y",
        "lt_1y": "lt_2y",
        "1_2y": "lt_2y",
        "lt_2y": "lt_2y",
        "2_5y": "gt_2y",
        "5_10y": "gt_2y",
        "gt_10y": "gt_2y",
        "gt_2y": "gt_2y",
    },
}

_ORDER = ("fine", "rollup", "lt_2y")


def merge_candidates(requested: str, allow_merge: bool = True) -> tuple[str, ...]:
    """The schemes to try for a table asked for at ``requested`` granularity, finest first.

    Examples
    --------
    >>> merge_candidates("rollup")
    ('rollup', 'lt_2y')
    """
    if requested not in TENURE_SCHEMES:
        raise ValueError(f"unknown tenure scheme {requested!r}; known: {', '.join(_ORDER)}")
    start = _ORDER.index(requested)
    return _ORDER[start:] if allow_merge else (requested,)


def tenure_map(scheme: str, bands: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The mapping of the ``bands`` present in the data onto ``scheme``; unknown bands raise.

    Examples
    --------
    >>> tenure_map("rollup", ["lt_6m", "gt_10y"])
    {'lt_6m': 'lt_1y', 'gt_10y': 'gt_2y'}
    """
    mapping = TENURE_SCHEMES.get(scheme)
    if mapping is None:
        raise ValueError(f"unknown tenure scheme {scheme!r}; known: {', '.join(_ORDER)}")
    missing = [band for band in bands if band not in mapping]
    if missing:
        raise ValueError(
            f"tenure bands {missing!r} cannot be shown at the {scheme!r} granularity"
        )
    return {band: mapping[band] for band in bands}
