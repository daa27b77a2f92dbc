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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ._config import GateConfig
from ._periods import Period, period_is_closed

__all__ = ["GatedComments", "gate_comments", "mask_identifiers"]

# The patterns below are written for plain ASCII separators only. Before
# matching, every dash-like character becomes "-", every odd space " " and
# every typographic apostrophe "'", one character for one, so a match found
# in this probe text is at the same place in the text that is shown.
_PROBE = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                        "\u2009\u200a\u202f\u205f\u3000", " "),
        **dict.fromkeys("\u2019\u02bc", "'"),
    }
)

# Personnummer and samordningsnummer (day + 60): YYMMDD or YYYYMMDD, an
# optional - or + (spaces allowed around it) or a space, four digits that
# may be split 2 + 2. Checked before phone numbers.
_PERSONAL_NUMBER = re.compile(
    r"(?<![\d+])(?:(?:19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])(?: ?[-+] ?| )?\d{2} ?\d{2}(?!\d)"
)
# Between phone digits: a hyphen (spaced or not), one space or a slash.
_SEP = r"(?: ?- ?| |/)"
# A national number does not continue a number: not right after a digit and
# a joiner ("2026-03-01 0800", "08.00-12.00") or a digit and a space (the
# thousands in "12 050 000 000 kr"). A mask that came first does not count.
_NOT_IN_A_NUMBER = r"(?<![\w+])(?<!\d[-./:])(?<!\d )"
_PHONES = (
    # +46 / 0046, with or without the trunk zero in brackets; dots allowed
    # here, since the country code already says it is a phone number.
    re.compile(
        r"(?<![\w+])(?:\+|00) ?46(?: ?[-.] ?| )?(?:\(0\) ?)?"
        r"\d(?:(?: ?[-.] ?| |/)?\d){6,9}(?!\d)"
    ),
    # A bracketed area code: (08) 12 34 56, (070) 123 45 67.
    re.compile(r"(?<![\w+])\(0[1-9]\d{0,2}\) ?\d" + rf"(?:{_SEP}?\d){{4,7}}(?!\d)"),
    # Dotted groups of two or three digits, 8 to 10 digits in all
    # (070.123.45.67), so that times (08.00) and dates (01.03.2026) are not.
    re.compile(
        _NOT_IN_A_NUMBER
        + r"(?=(?:\.?\d){8,10}(?!\.?\d))0[1-9]\d{0,2}(?:\.\d{2,3}){2,3}(?!\d)"
    ),
    # 0 and an area or mobile code (never 00), 8 to 10 digits in all.
    re.compile(_NOT_IN_A_NUMBER + rf"0[1-9](?:{_SEP}?\d){{6,8}}(?!\d)"),
)
# E-mail with "@" (spaces allowed around it) or a bracketed "at" / "snabel-a",
# dots or a bracketed "dot" / "punkt"; the last label starts with a letter, so
# "ses @ 10.00" is not an address. It starts only where a run of address
# characters starts, which keeps the search linear on long words.
_AT = r"(?: ?@ ?| ?[(\[{] ?(?:at|snabel-?a) ?[)\]}] ?)"
_DOT = r"(?:\.| ?[(\[{] ?(?:dot|punkt) ?[)\]}] ?)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_][\w-]*", re.IGNORECASE
)
# Fully spelled out ("anna at kommun dot se"): only with at least one "dot",
# so English "look at this" is left alone.
_EMAIL_SPELLED = re.compile(
    r"(?<![\w.+-])[\w.+-]+ at [\w-]+(?: dot [\w-]+)* dot [^\W\d_][\w-]*(?![\w-])",
    re.IGNORECASE,
)

MASKS = {
    "personal_number": "[personnummer]",
    "phone": "[telefonnummer]",
    "email": "[e-post]",
    "word": "[namn]",
}


def _normalise(text: str) -> tuple[str, str]:
    """The text to show (NFC) and the probe to match in (same length, plain separators)."""
    shown = unicodedata.normalize("NFC", text)
    return shown, shown.translate(_PROBE)


def _substitute(pattern: re.Pattern[str], mask: str, shown: str, probe: str) -> tuple[str, str]:
    """Replace what ``pattern`` finds in ``probe`` by ``mask``, in both texts.

    Each search goes on in the text masked so far, so a number right after
    a mask is not taken for the tail of a longer number.
    """
    position = 0
    while (match := pattern.search(probe, position)) is not None:
        start, end = match.span()
        shown = shown[:start] + mask + shown[end:]
        probe = probe[:start] + mask + probe[end:]
        position = start + len(mask)
    return shown, probe


def _name_alternative(word: str) -> str:
    # Swedish genitive: "Åsas", "Åsa:s" (and the anglicism "Åsa's"); a name
    # that ends in s, x or z takes no extra s ("Lars bil").
    body = r"\s+".join(re.escape(part) for part in word.split())
    return body if word[-1].lower() in "sxz" else body + r"(?:[:']?s)?"


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    normalised = {_normalise(w)[1].strip() for w in words}
    cleaned = sorted((w for w in normalised if w), key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(_name_alternative(w) for w in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def mask_identifiers(text: str, words: Sequence[str] = ()) -> str:
    """``text`` with identity numbers, phone numbers, e-mail addresses and ``words`` masked.

    The text comes back in Unicode NFC; everything that is not masked is
    otherwise kept as written (dashes, non-breaking spaces).

    Examples
    --------
    >>> mask_identifiers("Ring Åsa på 070-123 45 67", words=["åsa"])
    'Ring [namn] på [telefonnummer]'
    >>> mask_identifiers("Åsas nummer: 850101–1234, (070) 123 45 67", words=["åsa"])
    '[namn] nummer: [personnummer], [telefonnummer]'
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    shown, probe = _normalise(text)
    steps = [(_EMAIL, "email"), (_EMAIL_SPELLED, "email"), (_PERSONAL_NUMBER, "personal_number")]
    steps += [(phone, "phone") for phone in _PHONES]
    pattern = _word_pattern(words)
    if pattern is not None:
        steps.append((pattern, "word"))
    for step, kind in steps:
        shown, probe = _substitute(step, MASKS[kind], shown, probe)
    return shown


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
