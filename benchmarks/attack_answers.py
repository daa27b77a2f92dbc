"""The independent attacker on people and answer counts, with its timings.

Run:  .venv/bin/python benchmarks/attack_answers.py [--words] [dataset ...]

``--words`` also attacks the counts printed as the sameness words (with
``GateConfig(exact_words_audit=True)`` in the test module's CONFIG to see
the gate protect them).

The same attack as ``tests/analysis/test_release_attacks.py`` (which fails
on any pin), printed in full: what each attack examined and pinned, how long
the eight releases took to gate and the attack to run. Recorded in
benchmarks/README.md. Datasets: demo-seed2026, demo-seed7,
demo-seed2026-copies3, random-seed11 (all by default).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.analysis.test_release_attacks import DATASETS, attack, summary  # noqa: E402


def main(names: list[str]) -> None:
    words = "--words" in names  # also attack the counts printed as words
    for name in [n for n in names if n != "--words"] or list(DATASETS):
        print(f"== {name}")
        print(summary(attack(name, answers_too=True, words_too=words)))


if __name__ == "__main__":
    main(sys.argv[1:])
