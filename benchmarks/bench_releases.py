"""Benchmark of a municipality's release history: eight quarters gated one after another.

Run:  .venv/bin/python benchmarks/bench_releases.py [--copies 1] [--seed 2026]

Builds the demo municipality's responses (``tests/analysis/analysis_fixtures.demo_data``:
Exempel kommun, ``--copies`` times its units) for 2024Q4..2026Q3 and computes the
quarterly reports in order with ``analysis.release_history``, as the nightly job does
when a quarter opens: each release is gated against every earlier one, with the
linear and the bounds audit. Prints the time per release and what the gate hid.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "analysis"))

from analysis_fixtures import catalogue, demo_data  # noqa: E402

from analysis import GateConfig, release_history  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    data = demo_data(seed=args.seed, last_quarter="2026Q3", copies=args.copies)
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}")
    print(f"data: seed {args.seed}, copies {args.copies}, {len(data.responses)} responses, "
          f"quarters {', '.join(data.quarters)}")
    earlier, total = [], 0.0
    for quarter in data.quarters:
        start = time.perf_counter()
        report = release_history(data, [quarter], catalogue=catalogue(), config=GateConfig(),
                                 today=date(2026, 12, 3), earlier=earlier)[0]
        took = time.perf_counter() - start
        total += took
        earlier.append(report)
        rules = report.release.audit["rule"].value_counts().to_dict()
        shown = sum(int(t.frame["shown"].sum()) for t in report.release.tables)
        cells = sum(len(t.frame) for t in report.release.tables)
        print(f"{quarter}: {took:6.1f} s  {cells} rows, {shown} shown, hidden by {rules}, "
              f"leaks={len(report.release.leaks)}")
    print(f"total: {total:.1f} s for {len(earlier)} releases")


if __name__ == "__main__":
    main()
