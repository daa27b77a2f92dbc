"""Turnover context: headcount and hires per unit and quarter, uploaded by HR as CSV.

With a headcount file the report shows leavers as a turnover rate and
early leavers as a share of those hired. Leavers are counted from the
invitations (HR's register of leavers, not the anonymous answers), and
those counts pass through the gate like every other number. Where the share
of leavers is worded by the sameness rule ("inga eller nästan inga"), the
row carries the words and neither the number of leavers nor the rate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from ._cube import coarsen_units
from ._data import HEADCOUNT_COLUMNS, AnalysisData
from ._wording import exact_share, share_text, withhold
from .disclosure import GateConfig, GatedTable, Release, TableRequest, gate_release, reason_label

__all__ = ["early_leaver_rates", "gate_leavers", "leaver_requests", "parse_headcount_csv",
           "turnover_rates"]

_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_EARLY_BANDS = ("lt_6m", "6_12m", "lt_1y")


def _whole(text: str, line: int, name: str, problems: list[str]) -> int | None:
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if not value.isdigit():
        problems.append(f"rad {line}: {name} måste vara ett heltal 0 eller större, inte {text!r}")
        return None
    return int(value)


def parse_headcount_csv(text: str) -> pd.DataFrame:
    """Read ``unit_code, quarter, headcount, hired`` (comma or semicolon separated).

    Raises ValueError listing every bad row by its line number (the header is line 1).

    Examples
    --------
    >>> parse_headcount_csv("unit_code;quarter;headcount;hired\\nVO01;2026Q3;24;3\\n").values.tolist()
    [['VO01', '2026Q3', 24, 3]]
    >>> parse_headcount_csv("unit_code,quarter,headcount,hired\\nVO01,2026Q5,24,3\\n")
    Traceback (most recent call last):
    ...
    ValueError: rad 2: quarter måste vara ett kvartal som 2026Q3, inte '2026Q5'
    """
    if not isinstance(text, str):
        raise ValueError("the headcount file must be text")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise ValueError("rad 1: filen är tom; första raden ska vara unit_code, quarter, headcount, hired")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in HEADCOUNT_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"rad 1: kolumner saknas: {', '.join(missing)}")
    where = {name: header.index(name) for name in HEADCOUNT_COLUMNS}
    rows, problems, seen = [], [], {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"rad {line}: {len(cells)} fält, väntade {len(header)}")
            continue
        unit, quarter = cells[where["unit_code"]].strip(), cells[where["quarter"]].strip().upper()
        if not unit:
            problems.append(f"rad {line}: unit_code saknas")
        if not _QUARTER.match(quarter):
            problems.append(f"rad {line}: quarter måste vara ett kvartal som 2026Q3, "
                            f"inte {cells[where['quarter']]!r}")
        headcount = _whole(cells[where["headcount"]], line, "headcount", problems)
        hired = _whole(cells[where["hired"]], line, "hired", problems)
        if (unit, quarter) in seen:
            problems.append(f"rad {line}: {unit} {quarter} finns redan på rad {seen[unit, quarter]}")
        seen.setdefault((unit, quarter), line)
        rows.append((unit, quarter, headcount, hired))
    if problems:
        raise ValueError("\n".join(problems))
    frame = pd.DataFrame(rows, columns=list(HEADCOUNT_COLUMNS))
    return frame.astype({"unit_code": object, "quarter": object, "headcount": np.int64,
                         "hired": np.int64})


def leaver_requests(quarters: tuple[str, ...], year: tuple[str, ...],
                    each: tuple[str, ...] = ()) -> tuple[TableRequest, ...]:
    """The leaver tables: by administration x unit over ``quarters``, under a year by
    administration over ``year``, and by administration for each quarter in ``each``."""
    return (TableRequest(("administration", "unit"), where={"period": quarters},
                         name=f"leavers {quarters[0]}–{quarters[-1]} administration x unit"),
            TableRequest(("administration",), where={"period": year, "tenure_band": _EARLY_BANDS},
                         name=f"early leavers {year[0]}–{year[-1]} administration"),
            *(TableRequest(("administration",), where={"period": q}, name=f"leavers {q} administration")
              for q in each))


def gate_leavers(data: AnalysisData, requests, config: GateConfig, today: date,
                 released: Sequence[Release] = ()) -> Release | None:
    """Gate leaver counts (invitations) in one release; None when there are no invitations.

    Leavers are HR's register, not the anonymous answers, but their counts
    by unit can still point at a person, so they pass the gate like the rest.
    ``released`` are earlier leaver releases (never response releases: they
    count other things).
    """
    invitations = data.invitations
    if invitations.empty:
        return None
    every = [*requests, *(t.request for r in released for t in r.tables)]
    spans = [dict(r.where).get("period") for r in every]
    if any(span is None for span in spans):
        periods = by_unit = None  # an all-time table: keep every period and unit
    else:
        periods = {v for span in spans for v in span}
        by_unit = {v for r, span in zip(every, spans, strict=True) if "unit" in r.used_dims
                   for v in span}
    used = invitations if periods is None else invitations[invitations["period"].isin(periods)]
    counts = pd.DataFrame({
        "administration": used["administration"].astype(str).astype("category"),
        "unit": used["unit"].astype(str).astype("category"),
        "period": used["period"].astype(str).astype("category"),
        "tenure_band": used["tenure_band"].astype(object).fillna("unknown").astype("category"),
        "count": pd.to_numeric(used["invited"]).astype(np.int64)})
    return gate_release(coarsen_units(counts, by_unit), requests, config, today=today,
                        released=released)


def _rate_frame(table, denominators: pd.DataFrame, key: str, config: GateConfig) -> pd.DataFrame:
    frame = table.frame
    out = frame[list(table.request.dims)].copy()
    out["leavers"], out["shown"] = frame["count"], frame["shown"].to_numpy(dtype=bool)
    base = out.merge(denominators, on=list(table.request.dims), how="left")[key]
    out[key] = base.to_numpy(dtype=float)
    leavers = out["leavers"].to_numpy(dtype=float, na_value=np.nan)
    whole = np.rint(out[key].to_numpy(dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(out["shown"] & (whole > 0), leavers / whole, np.nan)
        # A share of the staff: nothing exact beside the sameness words. More leavers than
        # the whole (early leavers against those hired) is not a share and stays as it is.
        worded = out["shown"].to_numpy() & (leavers <= whole) & ~exact_share(leavers, whole, config)
    withhold(out, ~worded, ["leavers", "rate"])
    for lang in ("sv", "en"):
        out[f"text_{lang}"] = [
            reason_label(r, config, lang) if not s else
            (share_text(int(n), int(w), config, lang) if w == w and w > 0 and n <= w else
             ("ingen jämförbar uppgift om antal" if lang == "sv" else "no comparable count"))
            for s, r, n, w in zip(out["shown"], frame["reason"], leavers, whole, strict=True)]
    return out


def _by_admin(data: AnalysisData, column: str, quarters: tuple[str, ...]) -> pd.DataFrame:
    heads = data.headcount[data.headcount["quarter"].isin(quarters)]
    units = data.org.set_index("unit")["administration"] if len(data.org) else \
        data.invitations.drop_duplicates("unit").set_index("unit")["administration"]
    heads = heads.assign(administration=heads["unit_code"].map(units).fillna("unknown"),
                         unit=heads["unit_code"])
    grouped = heads.groupby(["administration", "unit"], as_index=False)[column]
    # Hires add up over the quarters; headcount is a level, so its mean is used.
    per_unit = grouped.sum() if column == "hired" else grouped.mean()
    admin = per_unit.groupby("administration", as_index=False)[column].sum().assign(unit="*")
    total = pd.DataFrame({"administration": ["*"], "unit": ["*"], column: [per_unit[column].sum()]})
    return pd.concat([per_unit, admin, total], ignore_index=True)


def turnover_rates(data: AnalysisData, quarters: tuple[str, ...], config: GateConfig,
                   today: date, *, table: GatedTable | None = None) -> pd.DataFrame:
    """Leavers (gated) per mean headcount, by administration and unit, over ``quarters``.

    ``table`` is the gated leaver table when the caller has gated it already
    (the report gates all leaver tables in one release).
    """
    if data.headcount is None:
        raise ValueError("turnover needs a headcount file")
    if table is None:
        request = leaver_requests(tuple(quarters), tuple(quarters))[0]
        table = gate_leavers(data, [request], config, today).table(request.name)
    return _rate_frame(table, _by_admin(data, "headcount", quarters), "headcount", config)


def early_leaver_rates(data: AnalysisData, quarters: tuple[str, ...], config: GateConfig,
                       today: date, *, table: GatedTable | None = None) -> pd.DataFrame:
    """Leavers with under a year (gated) per person hired, by administration, over ``quarters``.

    The leavers and the hired are of the same window, not the same people: a
    rough guide to how many of those who start leave within a year.
    """
    if data.headcount is None:
        raise ValueError("early-leaver rates need a headcount file")
    if table is None:
        request = leaver_requests(tuple(quarters), tuple(quarters))[1]
        table = gate_leavers(data, [request], config, today).table(request.name)
    hired = _by_admin(data, "hired", quarters)
    hired = hired[hired["unit"] == "*"].drop(columns="unit")
    return _rate_frame(table, hired, "hired", config)
