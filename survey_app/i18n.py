"""Swedish by default, English on one tap. Catalogues are compiled at start-up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session

from survey_app.extensions import babel

LOCALES = ("sv", "en")
SOURCE_DIR = Path(__file__).parent / "translations"


def select_locale() -> str:
    """?lang= wins and is remembered; then the remembered choice; then the default."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]  # CLI and background work
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in LOCALES:
        return remembered
    return current_app.config["DEFAULT_LOCALE"]


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile each .po to .mo when the .mo is missing or older (no build step needed)."""
    for po_path in source.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        tmp = mo_path.with_suffix(".tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)  # atomic, so parallel workers never read half a file


def init_i18n(app: Flask) -> None:
    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(SOURCE_DIR, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(fill_placeholders, "fill")
    app.add_template_filter(local_time, "local_time")

    @app.context_processor
    def inject_locale() -> dict:
        from flask_babel import get_locale

        return {"locale": str(get_locale() or app.config["DEFAULT_LOCALE"]),
                "other_locale": "en" if str(get_locale()) == "sv" else "sv",
                "lang_url": lang_url}


def lang_url(code: str) -> str:
    """The current page in another language (keeps the other query arguments)."""
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urlencode(sorted(args.items()))


def fill_placeholders(text: str) -> str:
    """Put the app's settings into questionnaire texts ({min_respondents})."""
    return text.replace("{min_respondents}", str(current_app.config["MIN_RESPONDENTS"]))


#: Staff see times in the municipality's own zone; the database stores naive UTC.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def local_time(value: datetime | None) -> str:
    """A stored naive-UTC time as Swedish local time, ``2026-12-03 14:05``.

    >>> local_time(datetime(2026, 7, 1, 10, 0))
    '2026-07-01 12:00'
    >>> local_time(datetime(2026, 12, 1, 10, 0))
    '2026-12-01 11:00'
    """
    if value is None:
        return "–"
    return value.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
