"""Finding, checking and loading the questionnaire files of one directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from questionnaires._questionnaire import Shared, read_questionnaire
from questionnaires._reader import Reader, parse_toml
from questionnaires._shared import read_dimensions, read_frameworks, read_reasons
from questionnaires.model import (
    Catalogue,
    Dimensions,
    Frameworks,
    Problem,
    Questionnaire,
    QuestionnaireError,
)

FRAMEWORKS_FILE = "frameworks.toml"
DIMENSIONS_FILE = "dimensions.toml"
REASONS_FILE = "reasons.toml"
SHARED_FILES = (FRAMEWORKS_FILE, DIMENSIONS_FILE, REASONS_FILE)


def default_directory() -> Path:
    """The shipped data files: ``questionnaires/data``."""
    return Path(__file__).resolve().parent / "data"


def check(directory: str | Path | None = None) -> list[Problem]:
    """Every problem in the directory's files; an empty list means all is well."""
    return _read(directory)[1]


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """The catalogue of a directory (default: the shipped files); raises QuestionnaireError."""
    catalogue, problems = _read(directory)
    if problems or catalogue is None:
        raise QuestionnaireError(problems)
    return catalogue


def _read(directory: str | Path | None) -> tuple[Catalogue | None, list[Problem]]:
    folder = Path(directory) if directory is not None else default_directory()
    if not folder.is_dir():
        return None, [Problem(str(folder), "directory", "no such directory")]
    problems: list[Problem] = []

    def shared(name: str, read: Callable[..., Any], *args: Any) -> Any:
        path = folder / name
        reader = Reader(str(path))
        if not path.is_file():
            reader.problem("file", f"missing: {name} is needed beside the questionnaires")
            problems.extend(reader.problems)
            return None
        data, error = parse_toml(path)
        if error is not None:
            problems.append(error)
            return None
        value = read(reader, data, *args)
        problems.extend(reader.problems)
        return value

    frameworks = shared(FRAMEWORKS_FILE, read_frameworks) or Frameworks((), (), ())
    dimensions = shared(DIMENSIONS_FILE, read_dimensions) or Dimensions((), (), ())
    reasons = shared(REASONS_FILE, read_reasons, frameworks) or ()
    context = Shared(reasons=reasons, dimensions=dimensions)

    questionnaires: list[Questionnaire] = []
    paths = sorted(path for path in folder.glob("*.toml") if path.name not in SHARED_FILES)
    for path in paths:
        data, error = parse_toml(path)
        if error is not None:
            problems.append(error)
            continue
        reader = Reader(str(path))
        questionnaire = read_questionnaire(reader, data, context)
        _check_file_name(reader, path, data)
        problems.extend(reader.problems)
        if questionnaire is not None and not reader.problems:
            questionnaires.append(questionnaire)
    if not paths:
        problems.append(Problem(str(folder), "directory", "no questionnaire files (*.vN.toml)"))
    problems.extend(_check_versions(questionnaires))
    catalogue = Catalogue(
        questionnaires=tuple(questionnaires),
        reasons=reasons,
        frameworks=frameworks,
        dimensions=dimensions,
    )
    return catalogue, problems


def _check_file_name(reader: Reader, path: Path, data: dict[str, Any]) -> None:
    key, version = data.get("key"), data.get("version")
    if not isinstance(key, str) or not isinstance(version, int) or isinstance(version, bool):
        return
    expected = f"{key}.v{version}.toml"
    if path.name != expected:
        reader.problem("file", f"a file holding {key} version {version} must be named {expected}")


def _check_versions(questionnaires: list[Questionnaire]) -> list[Problem]:
    """No version twice; a question key keeps its type across versions."""
    problems = []
    seen: dict[tuple[str, int], Questionnaire] = {}
    types: dict[tuple[str, str], tuple[str, Questionnaire]] = {}
    for questionnaire in sorted(questionnaires, key=lambda q: (q.key, q.version)):
        ident = (questionnaire.key, questionnaire.version)
        if ident in seen:
            problems.append(
                Problem(
                    questionnaire.source,
                    "version",
                    f"{questionnaire.key} version {questionnaire.version} is also defined in "
                    f"{seen[ident].source}",
                )
            )
            continue
        seen[ident] = questionnaire
        for section in questionnaire.sections:
            for question in section.questions:
                before = types.get((questionnaire.key, question.key))
                if before is not None and before[0] != question.type:
                    problems.append(
                        Problem(
                            questionnaire.source,
                            f"sections[{section.key}].questions[{question.key}].type",
                            f"question '{question.key}' was {before[0]} in version "
                            f"{before[1].version}; a question that changes meaning needs a "
                            "new key",
                        )
                    )
                types[(questionnaire.key, question.key)] = (question.type, questionnaire)
    return problems
