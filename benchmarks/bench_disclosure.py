"""Benchmark of the disclosure gate on a municipality-sized data set (not a pytest test).

Run:  .venv/bin/python benchmarks/bench_disclosure.py [--units 10000] [--rolling]

Builds seeded synthetic counts for N units (grouped into administrations) over
8 quarters, then gates the full set of quarterly tables in one release:
per quarter, responses by administration x unit, administration x tenure band
and administration x occupational group, all with totals, audited together
(linear audit across all 8 quarters included). With ``--rolling`` the four
rolling years are added to the catalogue (by administration x unit and by
administration x tenure band), which couples the quarters and costs more.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import date

import numpy as np
import pandas as pd

from analysis.disclosure import TableRequest, gate_release, rolling_year

QUARTERS = [f"{year}Q{q}" for year in (2023, 2024) for q in range(1, 5)]
BANDS = ["lt_6m", "6_12m", "1_2y", "2_5y", "5_10y", "gt_10y"]
GROUPS = ["undersköterska", "sjuksköterska", "lärare", "socialsekreterare", "enhetschef",
          "administratör"]


def synthetic_counts(n_units: int, n_admins: int, seed: int = 1) -> pd.DataFrame:
    """Responses per unit and quarter drawn from a skewed size distribution, counted."""
    rng = np.random.default_rng(seed)
    admin_of = rng.integers(0, n_admins, n_units)
    size = rng.gamma(0.8, 3.0, n_units)
    frames = []
    for quarter in QUARTERS:
        n = rng.poisson(size * 0.9)
        unit = np.repeat(np.arange(n_units), n)
        frames.append(pd.DataFrame({
            "administration": np.char.add("F", admin_of[unit].astype(str)),
            "unit": np.char.add("E", unit.astype(str)),
            "period": quarter,
            "tenure_band": rng.choice(BANDS, len(unit)),
            "occupational_group": rng.choice(GROUPS, len(unit)),
        }))
    raw = pd.concat(frames, ignore_index=True)
    return raw.groupby(list(raw.columns), as_index=False).size().rename(columns={"size": "count"})


def catalogue(rolling: bool) -> list[TableRequest]:
    """The quarterly tables (and optionally the rolling years) a role can request."""
    breakdowns = [("administration", "unit"), ("administration", "tenure_band"),
                  ("administration", "occupational_group")]
    views = [TableRequest(dims, where={"period": q}, name=f"{q} {' x '.join(dims)}")
             for q in QUARTERS for dims in breakdowns]
    if rolling:
        for q in QUARTERS[3:]:
            for dims in breakdowns[:2]:
                views.append(TableRequest(dims, where={"period": rolling_year(q)},
                                          name=f"year to {q} {' x '.join(dims)}"))
    return views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--admins", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rolling", action="store_true")
    args = parser.parse_args()
    counts = synthetic_counts(args.units, args.admins)
    views = catalogue(args.rolling)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        release = gate_release(counts, views, today=date(2025, 1, 15))
        times.append(time.perf_counter() - start)
    audit = release.audit
    cells = sum(len(t.frame) for t in release.tables)
    hidden = audit[audit["action"] == "hidden"]
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, cpus={len(__import__('os').sched_getaffinity(0))}")
    print(f"data: {args.units} units in {args.admins} administrations x {len(QUARTERS)} quarters, "
          f"{int(counts['count'].sum())} responses, {len(counts)} count rows")
    print(f"release: {len(views)} tables, {cells} cells, {len(hidden)} hidden "
          f"({hidden['rule'].value_counts().to_dict()}), leaks={len(release.leaks)}")
    print(f"gate_release: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
          f"over {args.repeat} runs")


if __name__ == "__main__":
    main()
