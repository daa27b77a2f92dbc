"""Every CSV the product reads or writes goes through here.

Reading: a byte order mark is dropped, the delimiter is `;` or `,` (whichever the
header line has more of, outside quotes), quoting is standard (`"` with `""` for a
quote inside a value, line breaks kept inside quotes), and a NUL character refuses
the file. Writing: RFC 4180 style with minimal quoting; any value that a spreadsheet
would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets
a leading `'`. Reading takes exactly one such `'` away again, so what the product
exports it reads back unchanged (a value that itself starts with `'` and then a formula
character is written with one more `'`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (";", ",")


class CsvError(ValueError):
    """The text is not a CSV file the product reads; the message names the line."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number where the record ends, values)


def neutralise(value: object) -> str:
    """A cell as text that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo `neutralise` on a cell read back."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def detect_delimiter(text: str) -> str:
    """`;` or `,`: whichever the first record has more of outside quotes (`,` on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def read_table(text: str) -> Table:
    """Parse CSV text; header names are stripped and lower-cased, values restored."""
    text = text.lstrip("\ufeff")  # Excel writes a byte order mark
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise CsvError(f"rad {line}: filen innehåller ett NUL-tecken och kan inte läsas")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text),
                        quotechar='"', doublequote=True, skipinitialspace=False, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # an empty line, often at the end of an export
            values = {name: restore(cell) for name, cell in zip(header, record, strict=False)
                      if name}
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise CsvError(f"rad {reader.line_num}: raden kan inte läsas som CSV ({exc})") from exc
    return Table(header, rows)


def iter_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Each row as one CSV record (ending in CRLF), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", quotechar='"', doublequote=True,
                        quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def write_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Header and rows as CSV text (UTF-8 without a byte order mark when encoded)."""
    return "".join(iter_lines([header, *rows]))


def read_file(path) -> str:
    """A CSV file's text, exactly: no newline translation, a byte order mark allowed."""
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8-sig")


def write_file(path, text: str) -> None:
    """Write CSV text as UTF-8 with no newline translation."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
