"""A history of frozen releases: each quarter's report gated against every earlier one.

The product computes a quarter's release once, when the quarter opens, and
keeps it; every later release is audited together with all the earlier
ones, whose figures are fixed. ``release_history`` is that sequence as a
pure function: the app stores each report it returns, and the attacker
tests publish exactly what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from questionnaires import Catalogue

from ._data import AnalysisData
from ._report import quarterly_report
from ._report_types import QuarterlyReport
from ._wording import Thresholds
from .disclosure import GateConfig
from .disclosure import quarter as quarter_period

__all__ = ["release_history"]


def release_history(data: AnalysisData, quarters: Sequence[str], *, catalogue: Catalogue,
                    config: GateConfig, today: date, thresholds: Thresholds | None = None,
                    earlier: Sequence[QuarterlyReport] = ()) -> list[QuarterlyReport]:
    """The reports of ``quarters`` in time order, each audited against all before it.

    ``earlier`` are reports already published (stored releases); their
    figures are fixed and every new report is gated against them.
    A quarter that has not closed on ``today`` gives a report without figures
    and adds nothing to what later reports are audited against.
    """
    released = [r.release for r in earlier if r.release is not None]
    released_leavers = [r.leaver_release for r in earlier if r.leaver_release is not None]
    reports = []
    for label in sorted({quarter_period(q).label for q in quarters}):
        report = quarterly_report(data, label, catalogue=catalogue, config=config, today=today,
                                  thresholds=thresholds, released=tuple(released),
                                  released_leavers=tuple(released_leavers))
        if report.release is not None:
            released.append(report.release)
        if report.leaver_release is not None:
            released_leavers.append(report.leaver_release)
        reports.append(report)
    return reports
