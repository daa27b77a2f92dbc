"""Issue 12, item 9: every CSV goes through survey_app.csv_io, safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey_app.csv_io import CsvError, read_table, write_table
from survey_app.hr.invitations import LeaverImportError, parse_leavers_csv
from survey_app.models import OrgUnit, OrgUnitPlacement
from survey_app.org.csv_io import OrgImportError, import_org_csv, parse_org_csv

HOSTILE_NAMES = {
    "H1": "=SUM(A1:A9)",
    "H2": "+46 8 123 45",
    "H3": "-1+2",
    "H4": "@HYPERLINK(\"http://x\")",
    "H5": 'Förskolan "Solen", avd 2',
    "H6": "Semi;kolon, och komma",
    "H7": "Rad ett\nRad två",
    "H8": "Vagn\rretur mitt i",
    "H9": "'=redan med apostrof",
    "H10": "Åsa Ärlig Öberg på Ö",
    "=X": "Kod som ser ut som en formel",
}


@pytest.fixture
def hostile_org(db, org):
    units = [OrgUnit(code=code, name=name, kind="unit", parent_id=org["VO02"].id)
             for code, name in HOSTILE_NAMES.items()]
    db.add_all(units)
    db.flush()
    db.add_all(OrgUnitPlacement(unit_id=u.id, parent_id=u.parent_id) for u in units)
    db.commit()
    return org


def names(db) -> dict[str, tuple[str, str | None, str]]:
    db.expire_all()
    return {u.code: (u.name, u.parent.code if u.parent else None, u.kind)
            for u in db.scalars(select(OrgUnit))}


def admin(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")


def test_export_neutralises_formulas_keeps_newlines_quoted_and_round_trips(
        client, auth, make_user, db, hostile_org):
    admin(client, auth, make_user)
    before = names(db)
    response = client.get("/org/export.csv")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    records = list(csv.reader(io.StringIO(body, newline="")))
    assert records[0] == ["code", "name", "parent_code", "type"]
    assert len(records) == len(before) + 1  # a line break inside a name is not a new row
    cells = [cell for record in records for cell in record]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    by_code = {r[0]: r for r in records[1:]}
    assert by_code["H1"][1] == "'=SUM(A1:A9)"
    assert by_code["H9"][1] == "''=redan med apostrof"
    assert by_code["'=X"][1] == "Kod som ser ut som en formel"
    assert by_code["H7"][1] == "Rad ett\nRad två" and by_code["H8"][1] == "Vagn\rretur mitt i"
    assert '"Förskolan ""Solen"", avd 2"' in body
    # the export read back is exactly the organisation, and re-importing changes nothing
    rows = {row.code: (row.name, row.parent_code or None, row.kind) for row in parse_org_csv(body)}
    assert rows == before
    summary = import_org_csv(db, body)
    db.commit()
    assert (summary.created, summary.updated, summary.moved) == (0, 0, 0)
    assert names(db) == before


def test_cli_export_and_import_round_trip_hostile_values(runner, db, hostile_org, tmp_path):
    before = names(db)
    out = tmp_path / "org.csv"
    assert runner.invoke(args=["org", "export", str(out)]).exit_code == 0
    raw = out.read_bytes().decode("utf-8")
    assert "'=SUM(A1:A9)" in raw and "Vagn\rretur" in raw
    result = runner.invoke(args=["org", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert f"created 0, renamed 0, moved 0, unchanged {len(before)}" in result.output
    assert names(db) == before


def test_export_content_type_names_the_charset_once(client, auth, make_user, org):
    admin(client, auth, make_user)
    response = client.get("/org/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=organisation.csv"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_import_reads_doubled_quotes_with_either_delimiter(db, org, delimiter):
    d = delimiter
    text = (f"code{d}name{d}parent_code{d}type\n"
            f'BU02{d}"Förskolan ""Solen""{d} avd 2"{d}BU{d}enhet\n'
            f'BU03{d}"Två\nrader"{d}BU{d}enhet\n')
    summary = import_org_csv(db, text)
    db.commit()
    assert summary.created == 2
    assert names(db)["BU02"][0] == f'Förskolan "Solen"{d} avd 2'
    assert names(db)["BU03"][0] == "Två\nrader"


def test_reader_takes_only_semicolon_or_comma_and_refuses_nul():
    assert read_table("a\tb;c\n1\t2;3\n").header == ["a\tb", "c"]
    assert read_table("a,b\n'=1,''=2\n").rows == [(2, {"a": "=1", "b": "'=2"})]
    with pytest.raises(CsvError, match="rad 2: .*NUL"):
        read_table("a,b\n1,\x002\n")
    with pytest.raises(CsvError, match="rad 2"):
        read_table('a,b\n"1"x,2\n')


def test_writer_round_trips_through_the_reader():
    values = ["=1", "+2", "-3", "@4", "\t5", "\r6", "'=7", "'plain", 'a "b", c', "x;y", "ny\nrad"]
    text = write_table(["v"], [[v] for v in values])
    assert [row["v"] for _line, row in read_table(text).rows] == values


def test_org_import_refuses_nul_naming_the_line(db, org):
    with pytest.raises(OrgImportError) as caught:
        import_org_csv(db, "code,name,parent_code,type\nBU02,Nam\x00n,BU,enhet\n")
    assert caught.value.problems[0].startswith("rad 2:")


def test_leaver_import_uses_the_same_reader(db, org):
    today = date.today()
    last = (today - timedelta(days=10)).isoformat()
    start = (today - timedelta(days=100)).isoformat()
    text = ("\ufeffenhet;yrkesgrupp;anställningsdatum;sista_arbetsdag;typ_av_avslut;namn\n"
            f'VO01;USK;{start};{last};egen uppsägning;"Andersson; ""Anna""\nrad två"\n')
    try:
        parsed = parse_leavers_csv(db, text, today, collection_days=60)
    except LeaverImportError as exc:  # pragma: no cover - shows the problems
        pytest.fail("\n".join(exc.problems))
    assert [leaver.unit_code for leaver in parsed.leavers] == ["VO01"]
    with pytest.raises(LeaverImportError) as caught:
        parse_leavers_csv(db, text.replace("USK", "US\x00K"), today, collection_days=60)
    assert "NUL" in caught.value.problems[0]
