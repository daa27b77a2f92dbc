"""A release as plain JSON and back: what is kept so that later releases are audited against it.

A stored release holds, per table, the request, the tenure granularity the
gate chose and the published frame (dims, count or null, shown, reason,
totals). That is everything the audit of a later release needs: the figures
of earlier releases are fixed equations, their hidden rows known non-empty.
The audit record (which rule hid what) is for operators and is not kept.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from ._config import GateConfig
from ._gate import _AUDIT_COLUMNS, GatedTable, Release
from ._requests import TableRequest

__all__ = ["release_from_json", "release_to_json"]

_FRAME = ("count", "shown", "reason", "is_total")


def _table(table: GatedTable) -> dict:
    request = table.request
    frame = table.frame
    dims = list(request.dims)
    return {
        "request": {"dims": dims, "where": [[d, list(v)] for d, v in request.where],
                    "totals": request.totals, "tenure": request.tenure,
                    "allow_merge": request.allow_merge, "name": request.name},
        "tenure_scheme": table.tenure_scheme,
        "rows": [[*(str(row[d]) for d in dims),
                  None if pd.isna(row["count"]) else int(row["count"]),
                  bool(row["shown"]), row["reason"], bool(row["is_total"])]
                 for row in frame.to_dict("records")],
    }


def release_to_json(release: Release) -> str:
    """The release's tables as compact JSON (UTF-8 kept)."""
    answers = release.answers
    return json.dumps({"today": release.today.isoformat() if release.today else None,
                       "tables": [_table(t) for t in release.tables],
                       "answers": None if answers is None else {
                           "columns": list(answers.columns),
                           "rows": answers.to_numpy(dtype=object).tolist()}},
                      ensure_ascii=False, separators=(",", ":"))


def release_from_json(text: str, config: GateConfig) -> Release:
    """The release :func:`release_to_json` wrote, ready to pass as ``released=``."""
    data = json.loads(text)
    tables = []
    for item in data["tables"]:
        spec = item["request"]
        request = TableRequest(tuple(spec["dims"]), where=tuple((d, tuple(v)) for d, v in
                                                                 spec["where"]),
                               totals=spec["totals"], tenure=spec["tenure"],
                               allow_merge=spec["allow_merge"], name=spec["name"])
        columns = [*request.dims, *_FRAME]
        frame = pd.DataFrame(item["rows"], columns=columns)
        frame = frame.astype({d: object for d in request.dims})
        frame["count"] = pd.array(frame["count"], dtype="Int64")
        frame["shown"] = frame["shown"].astype(bool)
        frame["is_total"] = frame["is_total"].astype(bool)
        frame["reason"] = frame["reason"].astype(object).where(frame["reason"].notna(), None)
        tables.append(GatedTable(request, item["tenure_scheme"], frame,
                                 pd.DataFrame(columns=_AUDIT_COLUMNS)))
    today = date.fromisoformat(data["today"]) if data.get("today") else None
    answers = data.get("answers")  # releases stored before the answer audit have none
    frame = None if answers is None else pd.DataFrame(answers["rows"], columns=answers["columns"])
    return Release(tuple(tables), config, today, answers=frame)
