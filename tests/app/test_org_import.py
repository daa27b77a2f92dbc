"""Organisation CSV import and export: all or nothing, with lines named."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from survey_app.models import OrgUnit, OrgUnitPlacement
from tests.app.conftest import csrf_from

GOOD = """code,name,parent_code,type
EK,Exempel kommun,,kommun
VO,Vård och omsorg,EK,förvaltning
VO01,Äldreboendet Björken,VO,enhet
VO02,Hemtjänst Norr,VO,enhet
BU,Barn och utbildning,EK,förvaltning
BU01,Förskolan Solrosen,BU,enhet
"""


def count_units(db) -> int:
    return db.scalar(select(func.count()).select_from(OrgUnit))


def test_import_via_cli_and_export_round_trip(runner, db, tmp_path):
    source = tmp_path / "org.csv"
    source.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "created 6" in result.output
    out = tmp_path / "back.csv"
    assert runner.invoke(args=["org", "export", str(out)]).exit_code == 0
    exported = out.read_text(encoding="utf-8").splitlines()
    assert exported[0] == "code,name,parent_code,type"
    assert sorted(exported[1:]) == sorted(GOOD.splitlines()[1:])
    # importing the export again changes nothing
    result = runner.invoke(args=["org", "import", str(out)])
    assert "created 0, renamed 0, moved 0, unchanged 6" in result.output


def test_bad_file_names_the_line_and_imports_nothing(runner, db, tmp_path):
    bad = GOOD + "VO03,,VO,enhet\nSB01,Gata och park,SB,enhet\nX1,Okänd typ,VO,avdelning\n"
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(path)])
    assert result.exit_code != 0
    assert "rad 8: namnet saknas för VO03" in result.output
    assert "rad 10: okänd typ 'avdelning' för X1" in result.output
    assert "Nothing was imported" in result.output
    assert count_units(db) == 0


def test_unknown_parent_is_reported_with_its_line(runner, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "SB01,Gata och park,SB,enhet\n", encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(path)])
    assert "rad 8: överordnad kod SB för SB01 finns varken i filen eller i organisationen" \
        in result.output
    assert count_units(db) == 0


def test_cycle_and_duplicate_and_missing_columns(runner, db, tmp_path):
    path = tmp_path / "cycle.csv"
    path.write_text("code,name,parent_code,type\nA,A,B,förvaltning\nB,B,A,förvaltning\n"
                    "A,A igen,,kommun\n", encoding="utf-8")
    output = runner.invoke(args=["org", "import", str(path)]).output
    assert "rad 4: koden A finns redan på rad 2" in output
    path.write_text("code;name\nA;B\n", encoding="utf-8")
    output = runner.invoke(args=["org", "import", str(path)]).output
    assert "kolumner saknas: parent_code, type" in output


def test_moving_a_unit_keeps_its_history(runner, db, tmp_path):
    path = tmp_path / "org.csv"
    path.write_text(GOOD, encoding="utf-8")
    runner.invoke(args=["org", "import", str(path)])
    path.write_text(GOOD.replace("VO02,Hemtjänst Norr,VO,enhet",
                                 "VO02,Hemtjänst Norr,BU,enhet"), encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(path)])
    assert "moved 1" in result.output
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == "VO02"))
    db.refresh(unit)
    assert unit.parent.code == "BU"
    placements = db.scalars(select(OrgUnitPlacement).where(
        OrgUnitPlacement.unit_id == unit.id).order_by(OrgUnitPlacement.id)).all()
    assert len(placements) == 2
    assert placements[0].valid_to is not None and placements[1].valid_to is None


def test_upload_in_the_browser_form_shows_problems(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    page = client.get("/org/import").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page),
            "file": (io.BytesIO((GOOD + "BU02,,BU,enhet\n").encode()), "org.csv")}
    response = client.post("/org/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "rad 8: namnet saknas för BU02" in response.get_data(as_text=True)
    assert count_units(db) == 0
    data = {"csrf_token": csrf_from(page), "file": (io.BytesIO(GOOD.encode()), "org.csv")}
    response = client.post("/org/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert count_units(db) == 6
    assert "Förskolan Solrosen" in client.get("/org/").get_data(as_text=True)


def test_excel_semicolon_file_with_bom(runner, db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + GOOD.replace(",", ";")).encode("utf-8"))
    result = runner.invoke(args=["org", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert count_units(db) == 6
