"""The disclosure gate: the only door through which numbers and comments leave ``analysis``.

Every figure, chart, comment and export is passed through this package so
that no one can identify a respondent, whether from one table or by
combining everything a role can request. The rules are written out in
``docs/disclosure.md``.

Typical use
-----------
Gate one table of counts (or raw rows, one per response)::

    from datetime import date
    from analysis.disclosure import GateConfig, gate_table

    table = gate_table(counts, ["administration", "unit"], GateConfig(),
                       where={"period": "2024Q3"}, today=date(2024, 10, 2))
    table.frame          # dims, count (<NA> if hidden), shown, reason, is_total
    table.shown_rows()   # the only rows statistics may be computed from
    table.audit          # what was merged or hidden, and by which rule (operators only)
    reason_label("suppressed")   # 'färre än 5 svar, eller dolt för att skydda en liten grupp'

Gate everything a role can see at once (the safe way for dashboards and
exports), including what earlier releases already published::

    views = offered_views(["2024Q1", "2024Q2", "2024Q3"])
    release = gate_release(responses, views, today=date(2024, 10, 2),
                           released=[last_quarter_release])
    release.table("2024Q3 administration x unit").frame

Comments, shares and periods::

    gate_comments([(respondent_id, text), ...], group_size=14, config=config)
    format_share(part=12, whole=12)        # 'alla eller nästan alla'
    period_is_closed("2024Q3", today)      # False until 1 October 2024

The linear audit on its own, over any cell ids::

    find_recoverable(published=[{"u1", "u2"}, {"u1"}], hidden=[{"u2"}])
"""

from ._answers import AnswerFigure, audit_answers
from ._audit import Recovery, find_recoverable
from ._config import ALL, OFFERED_DIMENSIONS, GateConfig, reason_label
from ._gate import GatedTable, Release, gate_release, gate_table
from ._periods import Period, period_is_closed, quarter, rolling_year
from ._requests import OFFERED_BREAKDOWNS, TableRequest, offered_views
from ._shares import format_share, sameness_band_size
from ._stored import release_from_json, release_to_json
from ._tenure import TENURE_FINE, TENURE_SCHEMES
from ._text import GatedComments, gate_comments, mask_identifiers

__all__ = [
    "ALL",
    "AnswerFigure",
    "OFFERED_BREAKDOWNS",
    "OFFERED_DIMENSIONS",
    "TENURE_FINE",
    "TENURE_SCHEMES",
    "GateConfig",
    "audit_answers",
    "GatedComments",
    "GatedTable",
    "Period",
    "Recovery",
    "Release",
    "TableRequest",
    "find_recoverable",
    "format_share",
    "gate_comments",
    "gate_release",
    "gate_table",
    "mask_identifiers",
    "offered_views",
    "period_is_closed",
    "quarter",
    "reason_label",
    "release_from_json",
    "release_to_json",
    "rolling_year",
    "sameness_band_size",
]
