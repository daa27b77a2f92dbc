"""Record security-relevant events. Only who, what, when: never survey content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.models import AuditEvent, User

EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "password_changed",
    "roles_changed",
    "user_created",
    "org_imported",
    "export",
    "interview_viewed",
    "invitations_created",
)


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
