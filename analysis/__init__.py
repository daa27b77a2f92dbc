"""Analysis HR trusts: reasons for leaving, their uncertainty, and lessons, all through one gate.

Pure Python (pandas, numpy, scipy): DataFrames in, DataFrames and frozen
dataclasses out, no Flask, no database, no files. ``survey_app/analysis_source.py``
builds the input; everything that leaves passes the disclosure gate
(``analysis.disclosure``). The methods and wording rules are described in
``docs/analysis.md``.

Typical use
-----------
::

    from datetime import date
    from analysis import AnalysisData, GateConfig, quarterly_report

    report = quarterly_report(data, "2026Q3", catalogue=catalogue, config=GateConfig(),
                              today=date(2026, 10, 2))
    report.lessons[0].text_sv      # a finding, tied to its SKR strategy, ready to paste
    report.to_json()               # the whole report, gated
"""

from ._association import PERMUTATIONS, AssociationTest, association_test, compare_shares
from ._comments import quarter_comments
from ._data import (
    ANSWER_COLUMNS,
    CHANNELS,
    HEADCOUNT_COLUMNS,
    INVITATION_COLUMNS,
    ORG_COLUMNS,
    RESPONSE_COLUMNS,
    SOURCES,
    UNKNOWN,
    AnalysisData,
)
from ._findings import EARLY
from ._headcount import early_leaver_rates, parse_headcount_csv, turnover_rates
from ._history import release_history
from ._intervals import (
    benjamini_hochberg,
    newcombe_difference,
    recommend_score,
    two_proportion_test,
    wilson_interval,
)
from ._lessons import Lesson
from ._reasons import ReasonTable
from ._report import quarterly_report
from ._report_types import FRAME_FIELDS, QuarterlyReport
from ._trend import TrendTest, trend_test
from ._windows import Window, report_requests, report_windows, trend_quarters
from ._wording import Thresholds
from .disclosure import (
    GateConfig,
    GatedComments,
    GatedTable,
    Release,
    format_share,
    gate_comments,
    gate_release,
    gate_table,
    period_is_closed,
    reason_label,
)

__all__ = [
    "ANSWER_COLUMNS",
    "CHANNELS",
    "EARLY",
    "FRAME_FIELDS",
    "HEADCOUNT_COLUMNS",
    "INVITATION_COLUMNS",
    "ORG_COLUMNS",
    "PERMUTATIONS",
    "RESPONSE_COLUMNS",
    "SOURCES",
    "UNKNOWN",
    "AnalysisData",
    "AssociationTest",
    "GateConfig",
    "GatedComments",
    "GatedTable",
    "Lesson",
    "QuarterlyReport",
    "ReasonTable",
    "Release",
    "Thresholds",
    "TrendTest",
    "Window",
    "association_test",
    "benjamini_hochberg",
    "compare_shares",
    "early_leaver_rates",
    "format_share",
    "gate_comments",
    "gate_release",
    "gate_table",
    "newcombe_difference",
    "parse_headcount_csv",
    "period_is_closed",
    "quarter_comments",
    "quarterly_report",
    "reason_label",
    "recommend_score",
    "release_history",
    "report_requests",
    "report_windows",
    "trend_quarters",
    "trend_test",
    "turnover_rates",
    "two_proportion_test",
    "wilson_interval",
]
