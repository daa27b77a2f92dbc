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
    # Not inside other words, Swedish letters included; the genitive is masked.
    assert mask_identifiers("Kåsan och Åsas", words) == "Kåsan och [namn]"


def test_ordinary_numbers_and_years_are_left_alone():
    text = "Jag jobbade 2019-2024, 37 timmar i veckan, på 3 enheter."
    assert mask_identifiers(text) == text


NAMES = ("Åsa", "Örjan", "Lars")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Personnummer with other dashes, spaced dashes, split last four.
        ("Pnr 850101–1234.", "Pnr [personnummer]."),  # en dash
        ("Pnr 850101—1234.", "Pnr [personnummer]."),  # em dash
        ("Pnr 850101\u22121234.", "Pnr [personnummer]."),  # minus sign
        ("Pnr 850101\u20111234.", "Pnr [personnummer]."),  # non-breaking hyphen
        ("Pnr 850101\u20101234.", "Pnr [personnummer]."),  # hyphen
        ("Pnr 850101\u20121234.", "Pnr [personnummer]."),  # figure dash
        ("Pnr 850101 - 1234.", "Pnr [personnummer]."),
        ("Pnr 850101\u00a0-\u00a01234.", "Pnr [personnummer]."),
        ("Pnr 850101-12 34.", "Pnr [personnummer]."),
        ("Pnr 19850101–1234.", "Pnr [personnummer]."),
        ("Pnr 19850101 – 12 34.", "Pnr [personnummer]."),
        ("Samordningsnummer 850161–1234.", "Samordningsnummer [personnummer]."),
        # Phone numbers with brackets, dots, spaced or other hyphens.
        ("Ring (070) 123 45 67.", "Ring [telefonnummer]."),
        ("Ring (08) 12 34 56.", "Ring [telefonnummer]."),
        ("Ring 070.123.45.67.", "Ring [telefonnummer]."),
        ("Ring 08 - 12 34 56.", "Ring [telefonnummer]."),
        ("Ring 070–123 45 67.", "Ring [telefonnummer]."),
        ("Ring 070\u20111234567.", "Ring [telefonnummer]."),
        ("Ring +46 70–123 45 67.", "Ring [telefonnummer]."),
        ("Ring +46 (0)70\u2011123 45 67.", "Ring [telefonnummer]."),
        ("Ring +46 70.123.45.67.", "Ring [telefonnummer]."),
        # E-mail written around the @.
        ("Skriv till anna(at)kommun.se.", "Skriv till [e-post]."),
        ("Skriv till anna [at] kommun.se.", "Skriv till [e-post]."),
        ("Skriv till anna @ kommun.se.", "Skriv till [e-post]."),
        ("Skriv till ANNA(AT)KOMMUN.SE.", "Skriv till [e-post]."),
        ("Skriv till anna(at)kommun(dot)se.", "Skriv till [e-post]."),
        ("Skriv till anna.berg (snabel-a) kommun.se.", "Skriv till [e-post]."),
        ("Skriv till anna at kommun dot se.", "Skriv till [e-post]."),
        # Genitive of listed names (Lars takes no extra s, see the test below).
        ("Åsas bil", "[namn] bil"),
        ("Örjans chef", "[namn] chef"),
        ("ÅSAS och örjans", "[namn] och [namn]"),
        ("Åsa:s schema", "[namn] schema"),
        ("Åsa’s schema", "[namn] schema"),
        # Decomposed (NFD) text; the output comes back NFC.
        ("Fra\u030aga A\u030asa", "Fråga [namn]"),
        ("O\u0308rjans chef", "[namn] chef"),
        # What is not masked stays as written.
        ("Ring 070–123 45 67, jobbade 2019–2024", "Ring [telefonnummer], jobbade 2019–2024"),
    ],
)
def test_identifiers_written_in_other_forms_are_masked(text, expected):
    assert mask_identifiers(text, NAMES) == expected


def test_listed_words_are_normalised_too():
    assert mask_identifiers("Åsa och Åsas", ["A\u030asa"]) == "[namn] och [namn]"
    assert mask_identifiers("Anna  Berg och Anna Bergs", ["Anna Berg"]) == "[namn] och [namn]"


def test_names_ending_in_s_x_z_take_no_extra_s():
    words = ("Lars", "Max", "Inez")
    assert mask_identifiers("Lars bil, Max chef, Inez rum", words) == "[namn] bil, [namn] chef, [namn] rum"
    assert mask_identifiers("Larss och Larsson", words) == "Larss och Larsson"


def test_two_numbers_in_a_row_are_both_masked():
    assert mask_identifiers("070 123 45 67 08 12 34 56") == "[telefonnummer] [telefonnummer]"


@pytest.mark.parametrize(
    "text",
    [
        "Jag slutade 2026.",
        "Lönen var 12 000 kr, sedan 12\u00a0000 kr.",
        "Budgeten var 1 050 000 000 kr.",
        "Budgeten var 12 050 000 000 kr.",
        "Sista dagen var 2026-03-01.",
        "Perioden 2026-03-01–2026-04-01 var tung.",
        "Mötet 2026-03-01 08.00–12.00.",
        "Mötet 2026-03-01 0800.",
        "Den 01.03.2026 slutade jag, eller 01.03.26.",
        "Jag jobbade 08.00–17.00, 5 dagar i veckan.",
        "Jag jobbade 08.00-12.00 13.00-17.00.",
        "Kl. 07.30 varje dag.",
        "85 % var nöjda, 12,5 % inte, 0,5 procent visste inte.",
        "Jag jobbade 2019–2024 och 2024 – 2026.",
        "Vi var 3 – 4 personer, 10–12 st.",
        "Ärende 2026-0042, version 1.2.3.",
        "Kommunens organisationsnummer är 212000-1234.",
        "Postnummer 123 45 Stockholm, ring 112.",
        "Vi ses @ 10.00.",
        "Det är svårt at säga, titta at google.com.",
        "Kåsan, Åsarna, Larsson och Örjansson.",
    ],
)
def test_non_identifiers_are_left_alone(text):
    assert mask_identifiers(text, NAMES) == text


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
