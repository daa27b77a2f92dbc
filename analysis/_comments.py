"""Free text for the quarterly report: the app opens the sealed texts, the gate decides.

The loader never reads free text. When HR asks for the comments of a
quarter, the app opens the sealed texts of that quarter's survey responses
and passes them here; the gate shows them only for a large enough group
with enough different writers, masked, shuffled and without attributes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from ._data import AnalysisData
from .disclosure import GateConfig, GatedComments, gate_comments

__all__ = ["quarter_comments"]


def quarter_comments(data: AnalysisData, texts: Mapping[object, Mapping[str, str]], quarter: str,
                     question: str, *, config: GateConfig, today: date,
                     rng: random.Random | None = None) -> GatedComments:
    """The gated answers to free-text ``question`` from the quarter's survey respondents.

    ``texts`` maps a response id to its opened free-text answers
    (``{question_key: text}``); ids outside the quarter's survey responses
    raise ValueError, so a text can never be shown in the wrong group.

    Examples
    --------
    >>> quarter_comments(data, {"r1": {"stay_factors": "Bättre schema"}}, "2026Q3",
    ...                  "stay_factors", config=GateConfig(), today=date(2026, 10, 2)
    ...                  ).reason  # doctest: +SKIP
    'comment_group_small'
    """
    responses = data.responses
    group = responses[(responses["source"] == "survey") & (responses["period"] == quarter)]
    members = set(group["response_id"])
    outside = [rid for rid in texts if rid not in members]
    if outside:
        raise ValueError(f"{len(outside)} text(s) do not belong to the survey responses of {quarter}")
    pairs = [(rid, answers[question]) for rid, answers in texts.items()
             if isinstance(answers.get(question), str)]
    return gate_comments(pairs, len(group), config, rng=rng, period=quarter, today=today)
