"""Benchmark of the full quarterly analysis on a million responses (not a pytest test).

Run:  .venv/bin/python benchmarks/bench_analysis.py [--responses 1000000] [--copies 50]

Builds seeded synthetic responses with the demo generator's patterns
(``survey_app/demo/leavers.py``: tenure weights, early and later reason
weights, conditions, recommend, come back), vectorised with numpy so that a
million rows take seconds, in the frames the database loader produces. The
timed part is what the app does per report: building ``AnalysisData`` (the
checks and the answer index), ``quarterly_report`` (counting, gating the
report's tables in one release, every statistic, wording, lessons) and
``to_json``. Generating the data is not timed. Wall and CPU time are printed (the
machines are shared; CPU time is what one report costs). Peak memory is
measured in a further run under tracemalloc (Python allocations, numpy
included), and the process's maximum resident size is printed as well.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import resource
import time
import tracemalloc
from datetime import date

import numpy as np
import pandas as pd

from analysis import AnalysisData, GateConfig, quarterly_report, trend_quarters
from questionnaires import load_catalogue
from survey_app.demo.leavers import (
    CONDITION_REASON,
    CONDITIONS,
    EARLY,
    ENDINGS,
    REASONS_EARLY,
    REASONS_LATER,
    TENURE_WEIGHTS,
)
from survey_app.demo.organisation import ADMINISTRATIONS

QUARTER = "2026Q3"
TODAY = date(2026, 10, 2)


def _weights(table: dict, keys: list[str]) -> np.ndarray:
    values = np.asarray([table.get(k, 0) for k in keys], dtype=float)
    return values / values.sum()


def synthetic_frames(n: int, copies: int, seed: int = 1, open_link: float = 0.1):
    """Responses, answers and invitations like the loader's, for ``n`` responses."""
    rng = np.random.default_rng(seed)
    units, admins, unit_groups = [], [], []
    for code, _name, stems, groups in ADMINISTRATIONS:
        for copy in range(copies):
            for number in range(1, len(stems) + 1):
                units.append(f"{code}{number:02d}-{copy + 1}")
                admins.append(code)
                unit_groups.append(groups)
    unit = rng.integers(0, len(units), n)
    widest = max(len(g) for g in unit_groups)
    table = np.asarray([g + [g[-1]] * (widest - len(g)) for g in unit_groups], dtype=object)
    sizes = np.asarray([len(g) for g in unit_groups])
    group = table[unit, (rng.random(n) * sizes[unit]).astype(np.int64)]
    bands = list(TENURE_WEIGHTS)
    band = rng.choice(len(bands), n, p=_weights(TENURE_WEIGHTS, bands))
    endings = list(ENDINGS)
    ending = np.asarray(endings, dtype=object)[rng.choice(len(endings), n,
                                                          p=_weights(ENDINGS, endings))]
    channel = np.where(rng.random(n) < open_link, "open_link", "invitation").astype(object)
    band_label = np.asarray(bands, dtype=object)[band]
    band_label[(channel == "open_link") & (rng.random(n) < 0.03)] = None
    quarters = trend_quarters(QUARTER)
    period = np.asarray(quarters, dtype=object)[rng.integers(0, len(quarters), n)]
    responses = pd.DataFrame({
        "response_id": np.arange(n), "source": "survey", "channel": channel, "period": period,
        "administration": np.asarray(admins, dtype=object)[unit],
        "unit": np.asarray(units, dtype=object)[unit], "occupational_group": group,
        "tenure_band": band_label, "ending_type": ending})
    for column in ("source", "channel", "period", "administration", "unit", "occupational_group",
                   "tenure_band", "ending_type"):
        responses[column] = responses[column].astype("category")  # as the loader builds them
    answers = _answers(rng, n, np.isin(band, [bands.index(b) for b in EARLY]))
    invited = responses[responses["channel"] == "invitation"].groupby(
        ["period", "administration", "unit", "tenure_band"], as_index=False, observed=True).size()
    invited = invited.rename(columns={"size": "used"})
    invited["invited"] = np.ceil(invited["used"] / 0.62).astype(np.int64)
    return responses, answers, invited


def _answers(rng: np.random.Generator, n: int, early: np.ndarray) -> pd.DataFrame:
    reasons = list(REASONS_EARLY)
    log_w = np.where(early[:, None], np.log(_weights(REASONS_EARLY, reasons) + 1e-12),
                     np.log(_weights(REASONS_LATER, reasons) + 1e-12))
    keys = log_w + rng.gumbel(size=(n, len(reasons)))  # Gumbel top-k: weighted, no repeats
    order = np.argsort(-keys, axis=1)[:, :3]
    how_many = rng.choice([1, 2, 2, 3], n)
    questions = ["reasons", "main_reason", *CONDITIONS, "recommend", "come_back"]
    options = [*reasons, "dont_know", "yes", "no", "unsure"]
    parts_id, parts_q, parts_o, parts_v = [], [], [], []

    def add(ids, question, option=None, value=None):
        parts_id.append(ids)
        parts_q.append(np.full(len(ids), questions.index(question), np.int8))
        parts_o.append(np.full(len(ids), -1, np.int8) if option is None else option.astype(np.int8))
        parts_v.append(np.full(len(ids), np.nan) if value is None else value.astype(float))

    ids = np.arange(n)
    for slot in range(3):
        chosen = how_many > slot
        add(ids[chosen], "reasons", order[chosen, slot])
    add(ids, "main_reason", order[:, 0])
    named = np.zeros((n, len(reasons)), bool)
    for slot in range(3):
        chosen = how_many > slot
        named[ids[chosen], order[chosen, slot]] = True
    for condition in CONDITIONS:
        linked = CONDITION_REASON.get(condition)
        low = named[:, reasons.index(linked)] if linked else np.zeros(n, bool)
        value = np.where(low, rng.integers(1, 4, n), rng.integers(2, 6, n))
        dont_know = rng.random(n) < 0.08
        add(ids[dont_know], condition, np.full(int(dont_know.sum()), options.index("dont_know")))
        add(ids[~dont_know], condition, value=value[~dont_know])
    add(ids, "recommend", value=np.clip(np.rint(rng.normal(7.0 - 1.2 * how_many, 2.2)), 0, 10))
    add(ids, "come_back", rng.choice([options.index(o) for o in ("yes", "no", "unsure")], n,
                                     p=[0.4, 0.3, 0.3]))
    return pd.DataFrame({
        "response_id": np.concatenate(parts_id),
        "question": pd.Categorical.from_codes(np.concatenate(parts_q), questions),
        "option": pd.Categorical.from_codes(np.concatenate(parts_o), options),
        "value": np.concatenate(parts_v)})


def run(frames, catalogue, config):
    responses, answers, invited = frames
    data = AnalysisData(responses, answers, invitations=invited)
    report = quarterly_report(data, QUARTER, catalogue=catalogue, config=config, today=TODAY)
    return report, report.to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--copies", type=int, default=50, help="copies of the demo's 43 units")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest calls")
    args = parser.parse_args()
    catalogue, config = load_catalogue(), GateConfig()
    start = time.perf_counter()
    frames = synthetic_frames(args.responses, args.copies)
    made = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        report, text = run(frames, catalogue, config)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    run(frames, catalogue, config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cells = sum(len(t.frame) for t in report.release.tables)
    hidden = int(sum((~t.frame["shown"]).sum() for t in report.release.tables))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"cpus={len(os.sched_getaffinity(0))}")
    print(f"data: {len(frames[0]):,} responses, {len(frames[1]):,} answer rows, "
          f"{frames[0]['unit'].nunique()} units, 8 quarters (generated in {made:.1f} s, not timed)")
    print(f"report {QUARTER}: {len(report.release.tables)} gated tables, {cells} cells "
          f"({hidden} hidden), {len(report.lessons)} lessons, JSON {len(text) / 1e6:.1f} MB")
    print(f"time (AnalysisData + quarterly_report + to_json): best {min(times):.2f} s, "
          f"median {sorted(times)[len(times) // 2]:.2f} s over {args.repeat} runs; "
          f"CPU time best {min(cpu):.2f} s; load average {os.getloadavg()[0]:.1f}")
    held = sum(int(f.memory_usage(deep=True).sum()) for f in frames)
    print(f"memory: input frames {held / 2**20:.0f} MiB; peak of new allocations during one run "
          f"{peak / 2**20:.0f} MiB (tracemalloc); so at most {(held + peak) / 2**20:.0f} MiB held "
          f"at the peak; max resident size of the whole process (generation included) {rss:.0f} MiB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, frames, catalogue, config)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
