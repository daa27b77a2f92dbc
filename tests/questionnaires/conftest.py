"""Fixtures for the questionnaire tests: folders of data files built from fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from questionnaires import default_directory, load_catalogue
from questionnaires.loader import SHARED_FILES

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def data_dir(tmp_path):
    """A factory: a folder with the shipped shared files plus the given fixture files."""

    def make(*fixtures: str) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        for name in SHARED_FILES:
            shutil.copy(default_directory() / name, folder / name)
        for fixture in fixtures:
            source = FIXTURES / fixture
            shutil.copy(source, folder / source.name)
        return folder

    return make


@pytest.fixture(scope="session")
def shipped():
    """The catalogue of the shipped files."""
    return load_catalogue()


@pytest.fixture(scope="session")
def form_catalogue(tmp_path_factory):
    """A catalogue with the form fixtures (every question type, declinable guide)."""
    folder = tmp_path_factory.mktemp("forms")
    for name in SHARED_FILES:
        shutil.copy(default_directory() / name, folder / name)
    for source in (FIXTURES / "forms").glob("*.toml"):
        shutil.copy(source, folder / source.name)
    return load_catalogue(folder)
