"""The few fixed texts the forms need, in Swedish and English.

Kept here rather than in the app's translation catalogue so that the
questionnaires package works without Flask-Babel (in tests, notebooks, CLI).
"""

from __future__ import annotations

from questionnaires.model import language_of

MESSAGES: dict[str, dict[str, str]] = {
    # validation errors
    "required": {
        "sv": "Svara på frågan.",
        "en": "Please answer this question.",
    },
    "unknown_option": {
        "sv": "Välj ett av alternativen.",
        "en": "Choose one of the options.",
    },
    "one_value": {
        "sv": "Välj bara ett alternativ.",
        "en": "Choose only one option.",
    },
    "out_of_range": {
        "sv": "Välj ett värde från {low} till {high}.",
        "en": "Choose a value from {low} to {high}.",
    },
    "too_long": {
        "sv": "Texten är för lång: högst {limit} tecken, du skrev {length}.",
        "en": "The text is too long: at most {limit} characters, you wrote {length}.",
    },
    "main_not_selected": {
        "sv": "Det du väljer som viktigast måste vara ett av dem du har kryssat i.",
        "en": "The one you choose as most important must be one of those you ticked.",
    },
    "main_required": {
        "sv": "Välj vilket som var viktigast.",
        "en": "Choose which one mattered most.",
    },
    # labels
    "dont_know": {
        "sv": "Vet ej / vill inte svara",
        "en": "Don't know / prefer not to say",
    },
    "yes": {"sv": "Ja", "en": "Yes"},
    "no": {"sv": "Nej", "en": "No"},
    "unsure": {"sv": "Vet inte", "en": "Not sure"},
    "declined": {
        "sv": "Vill inte svara på den här frågan",
        "en": "Declined to answer this question",
    },
}


def message(code: str, locale: str | None = "sv", **params: object) -> str:
    """The message ``code`` in the locale's language, with ``params`` filled in."""
    return MESSAGES[code][language_of(locale)].format(**params)
