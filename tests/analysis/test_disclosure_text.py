"""Free text through the gate: masking of identifiers and the comment minimums (rule 6)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from analysis.disclosure import GateConfig, gate_comments, mask_identifiers


@pytest.mark.parametrize(
    "text",
    [
        "Mitt personnummer är 19800101-1234.",
        "Mitt personnummer är 800101-1234.",
        "Mitt personnummer är 198001011234.",
        "Mitt personnummer är 8001011234.",
        "Född 800101+1234, över hundra år.",
        "Samordningsnummer 800161-1234 står på kortet.",
    ],
)
def test_personal_identity_numbers_are_masked(text):
    masked = mask_identifiers(text)
    assert "[personnummer]" in masked
    assert "1234" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "Ring mig på 070-123 45 67.",
        "Ring mig på +46 70 123 45 67.",
        "Ring mig på 08-123 456 78.",
        "Ring mig på 031-12 34 56.",
        "Ring mig på 0046 70 123 45 67.",
        "Ring mig på +46 (0)70-123 45 67.",
    ],
)
def test_phone_numbers_are_masked(text):
    masked = mask_identifiers(text)
    assert masked == "Ring mig på [telefonnummer]."


def test_a_bare_mobile_number_that_also_reads_as_a_personnummer_is_masked_either_way():
    # 0701234567 is also 070123-4567 (born 2007): masked, whichever label it gets.
    masked = mask_identifiers("Ring mig på 0701234567.")
    assert masked in ("Ring mig på [telefonnummer].", "Ring mig på [personnummer].")


def test_email_addresses_are_masked():
    assert mask_identifiers("Skriv till anna.berg+hr@kommun.se!") == "Skriv till [e-post]!"


def test_staff_names_are_masked_case_insensitively_on_word_boundaries():
    words = ["Åsa", "Örjan"]
    assert mask_identifiers("åsa och ÅSA sa till ÖRJAN", words) == (
        "[namn] och [namn] sa till [namn]"
    )
    # Not inside other words, Swedish letters included.
    assert mask_identifiers("Kåsan och Åsas", words) == "Kåsan och Åsas"


def test_ordinary_numbers_and_years_are_left_alone():
    text = "Jag jobbade 2019-2024, 37 timmar i veckan, på 3 enheter."
    assert mask_identifiers(text) == text


def _pairs(n_writers: int, per_writer: int = 1):
    return [(w, f"text {w}-{i}") for w in range(n_writers) for i in range(per_writer)]


def test_comments_need_the_comment_minimum_group():
    result = gate_comments(_pairs(5), group_size=9)
    assert not result.shown
    assert result.comments == ()
    assert result.reason == "comment_group_small"


def test_comments_need_three_different_writers():
    result = gate_comments(_pairs(2, per_writer=4), group_size=30)
    assert (result.shown, result.reason) == (False, "too_few_writers")
    assert gate_comments(_pairs(3), group_size=30).shown


def test_blank_comments_do_not_count_as_writers():
    pairs = [(1, "bra"), (2, "   "), (3, ""), (4, "dåligt")]
    assert gate_comments(pairs, group_size=20).reason == "too_few_writers"


def test_comments_are_masked_and_carry_no_attributes():
    config = GateConfig(mask_words=("Åsa",))
    pairs = [(1, "Åsa var bra"), (2, "ring 070-123 45 67"), (3, "ok")]
    result = gate_comments(pairs, group_size=12, config=config, rng=random.Random(3))
    assert sorted(result.comments) == ["[namn] var bra", "ok", "ring [telefonnummer]"]
    assert all(isinstance(c, str) for c in result.comments)


def test_comment_order_is_random_but_seedable_and_independent_of_input_order():
    pairs = _pairs(8)
    first = gate_comments(pairs, group_size=12, rng=random.Random(7)).comments
    again = gate_comments(list(reversed(pairs)), group_size=12, rng=random.Random(7)).comments
    other = gate_comments(pairs, group_size=12, rng=random.Random(8)).comments
    assert first == again
    assert sorted(first) == sorted(other)
    assert first != other


def test_comments_of_an_open_period_are_held_back():
    result = gate_comments(_pairs(5), group_size=12, period="2024Q3", today=date(2024, 9, 1))
    assert result.reason == "period_open"
    with pytest.raises(ValueError, match="today"):
        gate_comments(_pairs(5), group_size=12, period="2024Q3")


def test_bad_comment_input_raises():
    with pytest.raises(ValueError):
        gate_comments(_pairs(5), group_size=-1)
    with pytest.raises(ValueError):
        gate_comments(_pairs(5), group_size=3)  # more writers than respondents
    with pytest.raises(ValueError):
        gate_comments([(1, None)], group_size=12)
    with pytest.raises(ValueError):
        mask_identifiers(None)
