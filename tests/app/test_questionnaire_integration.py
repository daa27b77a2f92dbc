"""The app and its questionnaire files: check command, refusal to start, version changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from questionnaires import default_directory
from survey_app import create_app
from survey_app.instruments import BrokenQuestionnaires
from survey_app.models import Response
from survey_app.questionnaire_cli import questionnaires_cli
from tests.app.survey_helpers import STEP_ANSWERS, invite, post_step

BROKEN = Path(__file__).parent.parent / "questionnaires" / "fixtures" / "broken"


def copy_of_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "questionnaires"
    shutil.copytree(default_directory(), target)
    return target


def test_flask_check_passes_on_shipped_files():
    result = CliRunner().invoke(questionnaires_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "All questionnaire files are valid" in result.output


@pytest.mark.parametrize("fixture, expected", [
    ("missing_translation.v1.toml", ".en"),
    ("duplicate_key.v1.toml", "duplicate"),
    ("unknown_reason.v1.toml", "reason"),
    ("skip_forward.v1.toml", "show_if"),
    ("unknown_type.v1.toml", "type"),
    ("version_string.v1.toml", "version"),
])
def test_flask_check_names_each_problem(tmp_path, fixture, expected):
    directory = copy_of_shipped(tmp_path)
    shutil.copy(BROKEN / fixture, directory / fixture)
    result = CliRunner().invoke(questionnaires_cli, ["check", str(directory)])
    assert result.exit_code == 1
    assert fixture in result.output and expected in result.output


def test_app_refuses_to_start_with_a_broken_file(tmp_path, database_url):
    directory = copy_of_shipped(tmp_path)
    shutil.copy(BROKEN / "missing_translation.v1.toml", directory)
    with pytest.raises(BrokenQuestionnaires, match="missing_translation.v1.toml"):
        create_app({"DATABASE_URL": database_url, "QUESTIONNAIRE_DIR": str(directory)})


CURRENT = 2  # the shipped exit_survey version new leavers answer


def _retire_v1_and_add_v2(directory: Path, remove_v1: bool = False) -> None:
    """Retire (or remove) the current version and ship the next one: a deploy."""
    current = directory / f"exit_survey.v{CURRENT}.toml"
    text = current.read_text(encoding="utf-8")
    (directory / f"exit_survey.v{CURRENT + 1}.toml").write_text(
        text.replace(f"version = {CURRENT}", f"version = {CURRENT + 1}", 1), encoding="utf-8")
    if remove_v1:
        current.unlink()
    else:
        current.write_text(text.replace(f"version = {CURRENT}",
                                        f"version = {CURRENT}\nretired = true", 1),
                           encoding="utf-8")


@pytest.mark.parametrize("remove_v1, stored_version", [(False, CURRENT), (True, CURRENT + 1)])
def test_version_retired_while_answering(app, db, org, tmp_path, make_app,
                                         remove_v1, stored_version):
    directory = copy_of_shipped(tmp_path)
    before = make_app({"QUESTIONNAIRE_DIR": str(directory)})
    [token] = invite(before)
    client = before.test_client()
    client.get(f"/s/{token}")
    post_step(client, 1, STEP_ANSWERS[0])

    _retire_v1_and_add_v2(directory, remove_v1=remove_v1)
    after = make_app({"QUESTIONNAIRE_DIR": str(directory)})  # a deploy meanwhile
    resumed = after.test_client()
    resumed.set_cookie("session", client.get_cookie("session").value)
    step2 = resumed.get("/s/step/2").get_data(as_text=True)
    assert ("Enkäten har uppdaterats" in step2) is remove_v1
    post_step(resumed, 2, STEP_ANSWERS[1])
    final = post_step(resumed, 3, STEP_ANSWERS[2])
    assert final.headers["Location"] == "/s/thanks"
    stored = db.scalar(select(Response))
    assert stored.questionnaire_version == stored_version
    assert stored.answers["main_reason"] == "introduction"  # kept across the change
    # a new leaver now starts on the next version
    [second] = invite(after)
    fresh = after.test_client()
    fresh.get(f"/s/{second}")
    for number, data in enumerate(STEP_ANSWERS, start=1):
        post_step(fresh, number, data)
    versions = sorted(db.scalars(select(Response.questionnaire_version)).all())
    assert versions == sorted([stored_version, CURRENT + 1])
