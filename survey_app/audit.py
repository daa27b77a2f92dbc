"""Record security-relevant events. Only who, what, when: never survey content."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey_app.models import AuditEvent, User

EVENT_LABELS = {
    "sign_in": _l("Inloggning"),
    "sign_in_failed": _l("Misslyckad inloggning"),
    "sign_out": _l("Utloggning"),
    "password_changed": _l("Bytt lösenord"),
    "roles_changed": _l("Ändrade roller"),
    "user_created": _l("Nytt konto"),
    "org_imported": _l("Organisationen inläst"),
    "export": _l("Export"),
    "interview_viewed": _l("Visat avslutssamtal"),
    "invitations_created": _l("Inbjudningar skapade"),
}
EVENTS = tuple(EVENT_LABELS)


def record(
    db: Session,
    event: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    target: str | None = None,
    remote_addr: str | None = None,
) -> None:
    """Add an audit row to the session; the caller's transaction commits it."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    label = actor_label or (actor.username if actor else "system")
    db.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_label=label[:254],
            event=event,
            target=target[:254] if target else None,
            remote_addr=remote_addr,
        )
    )
