"""What the survey says beside what the exit interviews say, on the same reasons.

Both sources share one reason taxonomy, so their tenure tables line up
reason by reason. A comparison is made only where the same group is shown
in both. The same person may have answered the survey and been
interviewed, so the two samples can overlap; the interval and p-value treat
them as independent and are a guide, not a proof (the sentence never says
more than "kan vara" / "sannolikt"). As everywhere, a side whose share the
sameness rule words carries no count or share, and then the row carries no
difference or interval either (``_findings.withhold_sides``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._association import compare_shares
from ._findings import withhold_sides
from ._intervals import benjamini_hochberg
from ._reasons import ReasonTable
from ._wording import Thresholds, certainty, share_text
from .disclosure import GateConfig

__all__ = ["compare_sources"]


def _sentence(label, x1, n1, x2, n2, adjusted, diff, ok, config, thresholds, lang) -> str:
    quote = f"”{label}”" if lang == "sv" else f"“{label}”"
    if not ok:
        return (f"För få svar för att jämföra enkäten och avslutssamtalen om {quote}." if lang == "sv"
                else f"Too few responses to compare the survey and the exit interviews on {quote}.")
    s1, s2 = share_text(x1, n1, config, lang), share_text(x2, n2, config, lang)
    sure = certainty(adjusted, diff, thresholds, "difference", lang)
    return (f"I enkäten nämnde {s1} {quote}, i avslutssamtalen {s2}; {sure}." if lang == "sv" else
            f"In the survey {s1} mentioned {quote}, in the exit interviews {s2}; {sure}.")


def compare_sources(survey: ReasonTable, interview: ReasonTable, labels: dict, config: GateConfig,
                    thresholds: Thresholds, measure: str = "mentioned") -> pd.DataFrame:
    """Side by side per tenure band (and all bands) and reason: survey share, interview share.

    Only groups shown in both tables are compared; BH runs across the
    reasons of each band.
    """
    both = survey.groups.merge(interview.groups, on="tenure_band", suffixes=("_survey", "_interview"))
    both = both[both["shown_survey"] & both["shown_interview"]]
    survey_counts, interview_counts = survey.counts(), interview.counts()
    parts = []
    for band in both["tenure_band"]:
        a = survey_counts[(survey_counts["tenure_band"] == band) & (survey_counts["measure"] == measure)]
        b = interview_counts[(interview_counts["tenure_band"] == band)
                             & (interview_counts["measure"] == measure)]
        b = b.set_index("reason").reindex(a["reason"])
        x1, n1 = a["count"].to_numpy(), a["n"].to_numpy()
        x2, n2 = b["count"].to_numpy(), b["n"].to_numpy()
        result = compare_shares(x1, n1, x2, n2)
        ok = (np.minimum(n1, n2) >= thresholds.min_group) & (x1 + x2 > 0)
        result.loc[~ok, "pvalue"] = np.nan
        result["adjusted"] = benjamini_hochberg(result["pvalue"])
        result.insert(0, "tenure_band", band)
        result.insert(1, "measure", measure)
        result.insert(2, "reason", a["reason"].to_numpy())
        result.insert(3, "count_survey", x1)
        result.insert(4, "n_survey", n1)
        result.insert(5, "count_interview", x2)
        result.insert(6, "n_interview", n2)
        result = result.rename(columns={"share1": "share_survey", "share2": "share_interview"})
        for lang in ("sv", "en"):
            result[f"sentence_{lang}"] = [
                None if c1 + c2 == 0 else
                _sentence(labels[r].get(lang), int(c1), int(m1), int(c2), int(m2), q, d, good,
                          config, thresholds, lang)
                for r, c1, m1, c2, m2, q, d, good in zip(
                    result["reason"], x1, n1, x2, n2, result["adjusted"], result["difference"], ok,
                    strict=True)]
        parts.append(withhold_sides(result, config, thresholds, (
            ("count_survey", "share_survey", "n_survey"),
            ("count_interview", "share_interview", "n_interview"))))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
