"""Free text through the gate: group minimums, identifier masking, random order.

A comment is the easiest way to identify someone, so it is shown only for a
group of at least ``min_comment_group`` respondents in which at least
``min_comment_writers`` different people wrote on the question; it leaves
without any attribute, in random order, with personal identity numbers,
phone numbers, e-mail addresses and listed words (staff names) masked.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ._config import GateConfig
from ._periods import Period, period_is_closed

__all__ = ["GatedComments", "gate_comments", "mask_identifiers"]

# Personnummer and samordningsnummer (day + 60): YYMMDD or YYYYMMDD, an
# optional - or + (or space), four digits. Checked before phone numbers.
_PERSONAL_NUMBER = re.compile(
    r"(?<![\d+])(?:(?:19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+ ]?\d{4}(?!\d)"
)
# +46 / 0046 numbers, with or without the trunk zero in brackets.
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)46[\s-]?(?:\(0\)[\s-]?)?\d(?:[\s-]?\d){6,9}(?!\d)"
)
# National numbers: 0 and an area or mobile code, 8 to 10 digits in all,
# single spaces, hyphens or slashes between the digits.
_PHONE_NATIONAL = re.compile(r"(?<![\w+])0\d(?:[\s/-]?\d){6,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

MASKS = {
    "personal_number": "[personnummer]",
    "phone": "[telefonnummer]",
    "email": "[e-post]",
    "word": "[namn]",
}


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(w) for w in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def mask_identifiers(text: str, words: Sequence[str] = ()) -> str:
    """``text`` with identity numbers, phone numbers, e-mail addresses and ``words`` masked.

    Examples
    --------
    >>> mask_identifiers("Ring Åsa på 070-123 45 67", words=["åsa"])
    'Ring [namn] på [telefonnummer]'
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    masked = _EMAIL.sub(MASKS["email"], text)
    masked = _PERSONAL_NUMBER.sub(MASKS["personal_number"], masked)
    masked = _PHONE_INTERNATIONAL.sub(MASKS["phone"], masked)
    masked = _PHONE_NATIONAL.sub(MASKS["phone"], masked)
    pattern = _word_pattern(words)
    if pattern is not None:
        masked = pattern.sub(MASKS["word"], masked)
    return masked


@dataclass(frozen=True)
class GatedComments:
    """Comments that may be shown (masked, shuffled, no attributes) or the reason they may not."""

    shown: bool
    comments: tuple[str, ...]
    reason: str | None


def gate_comments(
    comments: Iterable[tuple[object, str]],
    group_size: int,
    config: GateConfig | None = None,
    *,
    rng: random.Random | None = None,
    period: Period | str | None = None,
    today: date | None = None,
) -> GatedComments:
    """Gate the free-text answers to one question from one group of respondents.

    ``comments`` holds ``(respondent, text)`` pairs, where ``respondent`` is
    any opaque id that tells writers apart; ``group_size`` is the number of
    respondents in the group (writers or not). Blank texts are dropped.

    Examples
    --------
    >>> pairs = [(i, f"svar {i}") for i in range(3)]
    >>> gate_comments(pairs, group_size=12, rng=random.Random(1)).comments
    ('svar 1', 'svar 2', 'svar 0')
    >>> gate_comments(pairs, group_size=9).reason
    'comment_group_small'
    """
    config = config or GateConfig()
    if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 0:
        raise ValueError(f"group_size must be a non-negative int, got {group_size!r}")
    pairs = [(who, text) for who, text in comments]
    if any(not isinstance(text, str) for _, text in pairs):
        raise ValueError("every comment text must be a str")
    written = [(who, text.strip()) for who, text in pairs if text.strip()]
    writers = {who for who, _ in written}
    if len(writers) > group_size:
        raise ValueError(f"{len(writers)} writers cannot come from a group of {group_size}")
    if period is not None:
        if today is None:
            raise ValueError("today is required when a period is given")
        if not period_is_closed(period, today):
            return GatedComments(False, (), "period_open")
    if group_size < config.min_comment_group:
        return GatedComments(False, (), "comment_group_small")
    if len(writers) < config.min_comment_writers:
        return GatedComments(False, (), "too_few_writers")
    texts = [mask_identifiers(text, config.mask_words) for _, text in written]
    # Sort first so the order never depends on the order of the input rows.
    texts.sort()
    (rng or random.SystemRandom()).shuffle(texts)
    return GatedComments(True, tuple(texts), None)
