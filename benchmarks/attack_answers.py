"""The independent attacker on answer counts: how many answers of small groups the releases pin.

Run:  .venv/bin/python benchmarks/attack_answers.py [dataset ...]

The gate protects the counts of people in every group (rule 9, tested by
``tests/analysis/test_release_attacks.py``). The answers *within* shown groups
(how many named a reason, the answers to each condition question) form systems
of their own that the gate does not yet audit; this command runs the same
independent attacker on them and prints what it pins (a measurement of the open
part of the issue, recorded in benchmarks/README.md, not a test that passes).
Datasets: demo-seed2026, demo-seed7, demo-seed2026-copies3, random-seed11 (all by default).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.analysis.test_release_attacks import DATASETS, attack, summary  # noqa: E402


def main(names: list[str]) -> None:
    for name in names or list(DATASETS):
        print(f"== {name}")
        print(summary(attack(name, answers_too=True)))


if __name__ == "__main__":
    main(sys.argv[1:])
