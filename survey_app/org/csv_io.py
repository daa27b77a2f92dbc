"""Import and export the organisation tree as CSV (code, name, parent_code, type)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.csv_io import CsvError, read_table, write_table
from survey_app.models import OrgUnit, OrgUnitPlacement, today

COLUMNS = ("code", "name", "parent_code", "type")
TYPE_ALIASES = {
    "municipality": "municipality", "kommun": "municipality",
    "administration": "administration", "förvaltning": "administration",
    "forvaltning": "administration",
    "unit": "unit", "enhet": "unit",
}
MAX_CODE, MAX_NAME = 40, 200


class OrgImportError(ValueError):
    """The file was refused as a whole; `problems` name the lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    moved: int
    unchanged: int


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    name: str
    parent_code: str
    kind: str


def parse_org_csv(text: str) -> list[_Row]:
    """Parse and check the rows on their own; raise with every problem found."""
    try:
        table = read_table(text)
    except CsvError as exc:
        raise OrgImportError([str(exc)]) from exc
    header = table.header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise OrgImportError([f"rad 1: kolumner saknas: {', '.join(missing)} "
                              f"(förväntade {', '.join(COLUMNS)})"])
    rows, problems, seen = [], [], {}
    for line, record in table.rows:
        code = (record.get("code") or "").strip()
        name = (record.get("name") or "").strip()
        parent = (record.get("parent_code") or "").strip()
        kind = TYPE_ALIASES.get((record.get("type") or "").strip().lower())
        if not code:
            problems.append(f"rad {line}: koden saknas")
            continue
        if len(code) > MAX_CODE or len(name) > MAX_NAME:
            problems.append(f"rad {line}: koden får ha högst {MAX_CODE} tecken och namnet "
                            f"högst {MAX_NAME}")
        if not name:
            problems.append(f"rad {line}: namnet saknas för {code}")
        if kind is None:
            problems.append(f"rad {line}: okänd typ {record.get('type')!r} för {code} "
                            "(använd kommun, förvaltning eller enhet)")
        if code in seen:
            problems.append(f"rad {line}: koden {code} finns redan på rad {seen[code]}")
        seen[code] = line
        if parent == code:
            problems.append(f"rad {line}: {code} kan inte vara sin egen överordnade")
        rows.append(_Row(line, code, name, parent, kind or "unit"))
    if not rows and not problems:
        problems.append("filen innehåller inga rader")
    if problems:
        raise OrgImportError(problems)
    return rows


def import_org_csv(db: Session, text: str) -> ImportSummary:
    """Create or update the tree from CSV. All or nothing: the caller commits on success."""
    rows = parse_org_csv(text)
    existing = {u.code: u for u in db.scalars(select(OrgUnit))}
    problems = _check_structure(rows, existing)
    if problems:
        raise OrgImportError(problems)

    created = updated = moved = unchanged = 0
    units = dict(existing)
    for row in rows:
        if row.code not in units:
            units[row.code] = OrgUnit(code=row.code, name=row.name, kind=row.kind)
            db.add(units[row.code])
    db.flush()  # new units get ids before parents are linked
    for row in rows:
        unit = units[row.code]
        parent_id = units[row.parent_code].id if row.parent_code else None
        if row.code not in existing:
            _place(db, unit, parent_id)
            created += 1
            continue
        changed = False
        if (unit.name, unit.kind) != (row.name, row.kind):
            unit.name, unit.kind = row.name, row.kind
            updated += 1
            changed = True
        if unit.parent_id != parent_id:
            _place(db, unit, parent_id)
            moved += 1
            changed = True
        unchanged += not changed
    db.flush()
    return ImportSummary(created, updated, moved, unchanged)


def _place(db: Session, unit: OrgUnit, parent_id: int | None) -> None:
    """Move a unit and keep where it sat before in the placement history."""
    current = db.scalar(select(OrgUnitPlacement).where(
        OrgUnitPlacement.unit_id == unit.id, OrgUnitPlacement.valid_to.is_(None)))
    if current is not None:
        current.valid_to = today()
    unit.parent_id = parent_id
    db.add(OrgUnitPlacement(unit_id=unit.id, parent_id=parent_id, valid_from=today()))


def _check_structure(rows: list[_Row], existing: dict[str, OrgUnit]) -> list[str]:
    """Parents exist, one municipality at the root, and no cycles."""
    problems = []
    in_file = {row.code: row for row in rows}
    kinds = {code: u.kind for code, u in existing.items()} | {r.code: r.kind for r in rows}
    parents = {code: (u.parent.code if u.parent else "") for code, u in existing.items()}
    parents |= {r.code: r.parent_code for r in rows}
    for row in rows:
        if row.parent_code and row.parent_code not in kinds:
            problems.append(f"rad {row.line}: överordnad kod {row.parent_code} för {row.code} "
                            "finns varken i filen eller i organisationen")
        if row.kind == "municipality" and row.parent_code:
            problems.append(f"rad {row.line}: kommunen {row.code} ska inte ha någon överordnad")
        if row.kind != "municipality" and not row.parent_code:
            problems.append(f"rad {row.line}: {row.code} behöver en överordnad kod")
    roots = [code for code, kind in kinds.items() if kind == "municipality"]
    if len(roots) > 1:
        lines = [str(in_file[c].line) for c in roots if c in in_file]
        problems.append(f"rad {', '.join(lines) or '?'}: bara en kommun får finnas i trädet "
                        f"(hittade {', '.join(sorted(roots))})")
    for row in rows:
        seen, node = set(), row.code
        while node and node not in seen:
            seen.add(node)
            node = parents.get(node, "")
        if node:
            problems.append(f"rad {row.line}: {row.code} ligger i en slinga av överordnade")
    return problems


def export_org_csv(db: Session) -> str:
    """The whole tree as CSV, parents before children, readable by import_org_csv."""
    swedish = {"municipality": "kommun", "administration": "förvaltning", "unit": "enhet"}
    units = db.scalars(select(OrgUnit)).all()
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    rows = []
    stack = sorted(by_parent.get(None, []), key=lambda u: u.code, reverse=True)
    while stack:
        unit = stack.pop()
        rows.append([unit.code, unit.name, unit.parent.code if unit.parent else "",
                     swedish[unit.kind]])
        stack.extend(sorted(by_parent.get(unit.id, []), key=lambda u: u.code, reverse=True))
    return write_table(COLUMNS, rows)
