"""English is the second language: every Swedish text in the app has a translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "survey_app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def test_every_message_has_an_english_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string
                  for m in catalogue if m.id}
    missing = []
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "survey_app"), METHODS, keywords=KEYWORDS):
        key = message if isinstance(message, str) else message[0]
        value = translated.get(key)
        if not value or (not isinstance(value, str) and not all(value)):
            missing.append(key)
    assert not missing, "add these to messages.po (pybabel update, then translate): " + \
        "; ".join(sorted(set(missing))[:20])


def test_pages_switch_language(client):
    assert "Sign in" in client.get("/auth/login?lang=en").get_data(as_text=True)
    assert "Logga in" in client.get("/auth/login?lang=sv").get_data(as_text=True)
