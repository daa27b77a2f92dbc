"""Invitations: from HR's leaver data to one-time links. Dates and names are never kept.

A leaver row is reduced at once to coarse attributes (unit, occupational group, tenure
band, type of ending, leaving quarter); the exact dates and any other column are
dropped. The token is returned to the caller once, for the handout, and only its HMAC
is stored.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from questionnaires import tenure_band
from survey_app.crypto import new_token, token_digest
from survey_app.csv_io import CsvError, read_table
from survey_app.models import (
    Invitation,
    InvitationBatch,
    InvitationTally,
    OccupationalGroup,
    OpenLink,
    OrgUnit,
    StoredRelease,
)
from survey_app.periods import (
    collection_closes,
    collection_open,
    oldest_collecting_quarter,
    quarter_of,
    results_open_on,
)

COLUMN_ALIASES = {
    "unit_code": ("unit_code", "enhet", "enhetskod"),
    "occupational_group_code": ("occupational_group_code", "yrkesgrupp", "yrkesgruppskod"),
    "employment_start": ("employment_start", "anstallningsdatum", "anställningsdatum"),
    "last_working_day": ("last_working_day", "sista_arbetsdag"),
    "ending_type": ("ending_type", "avslutsorsak", "typ_av_avslut"),
}
ENDING_ALIASES = {
    "own_resignation": "own_resignation", "egen uppsägning": "own_resignation",
    "retirement": "retirement", "pension": "retirement",
    "fixed_term_ended": "fixed_term_ended", "visstid upphört": "fixed_term_ended",
    "provanställning upphört": "fixed_term_ended", "visstid": "fixed_term_ended",
    "other": "other", "annat": "other", "övrigt": "other",
}
MAX_ROWS = 5000
LAST_DAY_WINDOW = (timedelta(days=400), timedelta(days=200))  # back, ahead of today


class LeaverImportError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class CollectionClosed(ValueError):
    """A link was asked for a quarter whose collection window has closed."""

    def __init__(self, quarter: str, closed_on: date):
        self.quarter, self.closed_on = quarter, closed_on
        super().__init__(f"collection for {quarter} closed on {closed_on}")


def closed_quarter_message(quarter: str, collection_days: int) -> str:
    """What HR is told when a form names a quarter whose collection has closed."""
    return _("Insamlingen för %(quarter)s stängde %(closed)s, så kvartalet tar inte emot fler "
             "svar. Välj ett kvartal vars insamling pågår.", quarter=quarter,
             closed=collection_closes(quarter, collection_days).isoformat())


def link_expiry(quarter: str, *, valid_days: int, collection_days: int, today: date) -> date:
    """A link works ``valid_days`` from ``today``, never past its quarter's collection close."""
    return min(today + timedelta(days=valid_days), collection_closes(quarter, collection_days))


def _refuse_closed(quarters, collection_days: int, today: date) -> None:
    for quarter in sorted(set(quarters)):
        if not collection_open(quarter, collection_days, today):
            raise CollectionClosed(quarter, collection_closes(quarter, collection_days))


@dataclass(frozen=True)
class Leaver:
    """What is kept of a leaver: coarse attributes only."""

    unit_code: str
    occupational_group_code: str | None
    tenure_band: str
    ending_type: str
    quarter: str


@dataclass(frozen=True)
class IssuedLink:
    """A token to print, shown once. `path` is relative to the public base URL.

    The handout says its batch date and number, never the unit or group: a replaced
    handout for a used link must look like any other.
    """

    invitation_id: int
    token: str
    batch: str
    position: int
    batch_size: int
    batch_created: date
    expires_on: date

    @property
    def path(self) -> str:
        return f"/s/{self.token}"


@dataclass(frozen=True)
class ParsedFile:
    leavers: list[Leaver]
    ignored_columns: list[str]


def parse_leavers_csv(db: Session, text: str, today: date, *,
                      collection_days: int) -> ParsedFile:
    """Read a leaver file; every problem names its line; nothing is half-read.

    A last working day in a quarter whose collection window has closed is refused: the
    leaver is not invited, and never counted in a later quarter instead.
    """
    try:
        table = read_table(text)
    except CsvError as exc:
        raise LeaverImportError([str(exc)]) from exc
    header = table.header
    mapping = {}
    for column, aliases in COLUMN_ALIASES.items():
        found = next((h for h in header if h in aliases), None)
        if found is None and column != "occupational_group_code":
            raise LeaverImportError([f"rad 1: kolumnen {column} saknas "
                                     f"(förväntade {', '.join(COLUMN_ALIASES)})"])
        mapping[column] = found
    ignored = [h for h in header if h and h not in mapping.values()]
    units = set(db.scalars(select(OrgUnit.code).where(OrgUnit.kind != "municipality")))
    groups = set(db.scalars(select(OccupationalGroup.code)))
    leavers, problems = [], []
    for line, record in table.rows:
        if len(leavers) >= MAX_ROWS:
            problems.append(f"rad {line}: högst {MAX_ROWS} rader per fil")
            break
        row = {column: (record.get(name) or "").strip() if name else ""
               for column, name in mapping.items()}
        if not any(row.values()):
            continue  # an empty line at the end of an export
        leaver, row_problems = _leaver(row, line, units, groups, today, collection_days)
        problems += row_problems
        if leaver:
            leavers.append(leaver)
    if not leavers and not problems:
        problems.append("filen innehåller inga rader")
    if problems:
        raise LeaverImportError(problems)
    return ParsedFile(leavers, ignored)


def _leaver(row: dict, line: int, units: set, groups: set, today: date,
            collection_days: int):
    problems = []
    if row["unit_code"] not in units:
        problems.append(f"rad {line}: okänd enhetskod {row['unit_code']!r}")
    group = row["occupational_group_code"] or None
    if group is not None and group not in groups:
        problems.append(f"rad {line}: okänd yrkesgrupp {group!r}")
    start, last = _date(row["employment_start"]), _date(row["last_working_day"])
    if start is None:
        problems.append(f"rad {line}: anställningsdatum {row['employment_start']!r} är inte ett "
                        "datum (ÅÅÅÅ-MM-DD)")
    if last is None:
        problems.append(f"rad {line}: sista arbetsdag {row['last_working_day']!r} är inte ett "
                        "datum (ÅÅÅÅ-MM-DD)")
    if start and last:
        if start > last:
            problems.append(f"rad {line}: anställningsdatum ligger efter sista arbetsdag")
        elif not collection_open(quarter_of(last), collection_days, today):
            problems.append(_(
                "rad %(line)d: sista arbetsdag %(day)s ligger i %(quarter)s. Insamlingen för "
                "%(quarter)s stängde %(closed)s, så avgången kan inte längre bjudas in (den "
                "räknas inte i ett senare kvartal).", line=line, day=last.isoformat(),
                quarter=quarter_of(last),
                closed=collection_closes(quarter_of(last), collection_days).isoformat()))
        elif not today - LAST_DAY_WINDOW[0] <= last <= today + LAST_DAY_WINDOW[1]:
            problems.append(f"rad {line}: sista arbetsdag {last} ligger för långt från i dag")
    ending = ENDING_ALIASES.get(row["ending_type"].lower())
    if ending is None:
        problems.append(f"rad {line}: okänd typ av avslut {row['ending_type']!r} (egen "
                        "uppsägning, pension, visstid upphört eller annat)")
    if problems:
        return None, problems
    return Leaver(row["unit_code"], group, tenure_band(start, last), ending, quarter_of(last)), []


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def issue_invitations(db: Session, leavers: list[Leaver], *, questionnaire_key: str,
                      secret: str, valid_days: int, collection_days: int,
                      today: date) -> list[IssuedLink]:
    """Create one invitation per leaver in one batch; the caller commits.

    Each handout gets its number in the batch, so a lost one can be replaced by number.
    The group tallies count the invitations; answers are counted there too, so response
    rates never need the history of a single link. A link expires after ``valid_days``,
    but never after its quarter's collection close; a leaver whose quarter has closed
    raises CollectionClosed (the forms and the import refuse those first).
    """
    _refuse_closed((lv.quarter for lv in leavers), collection_days, today)
    units = {u.code: u for u in db.scalars(
        select(OrgUnit).where(OrgUnit.code.in_({lv.unit_code for lv in leavers})))}
    batch = str(uuid.uuid4())
    db.add(InvitationBatch(id=batch, questionnaire_key=questionnaire_key, created_on=today,
                           size=len(leavers)))
    pairs = []
    for position, leaver in enumerate(leavers, start=1):
        token = new_token()
        expires = link_expiry(leaver.quarter, valid_days=valid_days,
                              collection_days=collection_days, today=today)
        invitation = Invitation(
            token_digest=token_digest(secret, token), batch=batch, position=position,
            questionnaire_key=questionnaire_key, unit_id=units[leaver.unit_code].id,
            occupational_group_code=leaver.occupational_group_code,
            tenure_band=leaver.tenure_band, ending_type=leaver.ending_type,
            leaving_quarter=leaver.quarter, created_on=today, expires_on=expires)
        db.add(invitation)
        pairs.append((invitation, token))
    db.flush()
    count_invited(db, questionnaire_key, Counter(
        (units[lv.unit_code].id, lv.quarter, lv.tenure_band) for lv in leavers))
    return [IssuedLink(inv.id, token, batch, inv.position, len(leavers), today, inv.expires_on)
            for inv, token in pairs]


def count_invited(db: Session, questionnaire_key: str, counts: Counter) -> None:
    """Add to the invited tallies (insert or add, safe against a parallel import)."""
    table = InvitationTally.__table__
    upsert = (postgresql_insert if db.bind.dialect.name == "postgresql" else sqlite_insert)(table)
    for (unit_id, quarter, band), number in counts.items():
        db.execute(upsert.values(questionnaire_key=questionnaire_key, unit_id=unit_id,
                                 quarter=quarter, tenure_band=band, invited=number, used=0)
                   .on_conflict_do_update(index_elements=list(table.primary_key.columns.keys()),
                                          set_={"invited": table.c.invited + number}))


def reissue_batch(db: Session, batch: str, *, secret: str, valid_days: int,
                  collection_days: int, today: date,
                  positions: set[int] | None = None) -> list[IssuedLink]:
    """New links for a batch's handouts (all, or the numbers given); old links stop working.

    A handout whose link has been used gets a link that is already used: the printout
    looks the same either way, so replacing handouts never tells HR who has answered.
    An unused link expires no later than its own quarter's collection close. A used one
    has forgotten its quarter, so every card of the reissue prints one date that does not
    depend on use: the collection close of the oldest quarter still collecting today
    (or ``valid_days`` from today, if sooner). It is never later than the real expiry
    of a link that can still be answered.
    """
    info = db.get(InvitationBatch, batch)
    if info is None:
        return []
    wanted = sorted(positions or range(1, info.size + 1))
    open_rows = {inv.position: inv for inv in db.scalars(select(Invitation).where(
        Invitation.batch == batch, Invitation.used.is_(False),
        Invitation.position.in_(wanted)))}
    printed = link_expiry(oldest_collecting_quarter(today, collection_days),
                          valid_days=valid_days, collection_days=collection_days, today=today)
    issued = []
    for position in wanted:
        if not 1 <= position <= info.size:
            continue
        token = new_token()
        invitation = open_rows.get(position)
        if invitation is not None:
            invitation.token_digest = token_digest(secret, token)
            invitation.expires_on = link_expiry(invitation.leaving_quarter, valid_days=valid_days,
                                                collection_days=collection_days, today=today)
        else:  # used, or expired and forgotten: a link that says it cannot be used again
            db.add(Invitation(token_digest=token_digest(secret, token), used=True,
                              expires_on=printed, created_on=None))
        issued.append(IssuedLink(0, token, batch, position, info.size, info.created_on, printed))
    db.flush()
    return issued


@dataclass(frozen=True)
class Participation:
    """Invited and answered per unit in one quarter, read from the quarter's stored release."""

    quarter: str | None
    quarters: list[str]
    shown: list[tuple[str, int, int]]  # unit name, invited, answered
    hidden: int  # units whose figures the release does not show
    total: tuple[int, int] | None  # the quarter's invited and answered, if the release shows it
    open: bool  # the quarter's collection window is still open: nothing is shown yet
    pending: bool = False  # opened, but its release is not stored yet (the nightly job)


def participation(db: Session, questionnaire_key: str, minimum: int, today: date,
                  quarter: str | None = None, *, collection_days: int) -> Participation:
    """Participation by unit in a quarter (the latest by default), from its stored release.

    The figures are the report's response rates (invited and answered gated together,
    see docs/disclosure.md), frozen when the quarter opened: no live counter moves by
    one answer, and no batch or single link has a use status. ``minimum`` is kept for
    the page's wording; the release carries the gate's own settings.
    """
    quarters = sorted(set(db.scalars(select(InvitationTally.quarter).where(
        InvitationTally.questionnaire_key == questionnaire_key))), reverse=True)
    if quarter not in quarters:
        quarter = quarters[0] if quarters else None
    if quarter is None:
        return Participation(None, quarters, [], 0, None, False)
    if results_open_on(quarter, collection_days) > today:
        return Participation(quarter, quarters, [], 0, None, True)
    stored = db.get(StoredRelease, quarter)
    if stored is None:
        return Participation(quarter, quarters, [], 0, None, False, pending=True)
    rows = [r for r in json.loads(stored.report)["response_rates"]
            if r.get("window") == quarter and r.get("source") == "survey"]
    names = dict(db.execute(select(OrgUnit.code, OrgUnit.name)).all())
    units = [r for r in rows if r.get("unit") not in ("*", None)]
    shown = sorted((names.get(r["unit"], r["unit"]), int(r["invited"]), int(r["responses"]))
                   for r in units if r.get("invited") is not None and r.get("responses") is not None)
    total = next(((int(r["invited"]), int(r["responses"])) for r in rows
                  if r.get("administration") == "*" and r.get("unit") == "*"
                  and r.get("invited") is not None and r.get("responses") is not None), None)
    return Participation(quarter, quarters, shown, len(units) - len(shown), total, False)


def invitation_batches(db: Session) -> list[InvitationBatch]:
    return list(db.scalars(select(InvitationBatch).order_by(InvitationBatch.created_on.desc(),
                                                            InvitationBatch.id)))


def parse_positions(text: str) -> set[int] | None:
    """'3' or '2, 5 7' -> {2, 5, 7}; empty -> empty set (all); anything else -> None."""
    parts = text.replace(",", " ").split()
    if not all(p.isdigit() and len(p) <= 5 for p in parts):
        return None
    return {int(p) for p in parts}


def create_open_link(db: Session, unit: OrgUnit, quarter: str, *, questionnaire_key: str,
                     valid_days: int, collection_days: int, today: date) -> OpenLink:
    """One shared link per unit and quarter; asking again returns the same link.

    The link expires no later than the quarter's collection close (an existing one is
    brought forward if the window has been shortened since); a quarter whose window has
    closed raises CollectionClosed.
    """
    _refuse_closed([quarter], collection_days, today)
    closes = collection_closes(quarter, collection_days)
    existing = db.scalar(select(OpenLink).where(OpenLink.unit_id == unit.id,
                                                OpenLink.quarter == quarter,
                                                OpenLink.active.is_(True)))
    if existing is not None:
        if existing.expires_on > closes:
            existing.expires_on = closes
        return existing
    link = OpenLink(token=new_token(), questionnaire_key=questionnaire_key, unit_id=unit.id,
                    quarter=quarter,
                    expires_on=link_expiry(quarter, valid_days=valid_days,
                                           collection_days=collection_days, today=today))
    db.add(link)
    db.flush()
    return link
