"""Sign-in, sign-out, password and role changes: the state changes of staff accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app import audit
from survey_app.auth.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from survey_app.auth.sessions import end_all_sessions, start_session
from survey_app.models import ROLES, ManagerUnit, OrgUnit, User, UserRole


class AccountError(ValueError):
    """A change to an account was refused; the message is for the person doing it."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == normalise_username(username)))


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The user when the password is right. Unknown users cost one hash check too."""
    user = find_user(db, username)
    if user is None or not user.active:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(db: Session, username: str, password: str, remote_addr: str | None) -> str | None:
    """Check the credentials; on success return a new session token, else None."""
    user = authenticate(db, username, password)
    if user is None:
        audit.record(db, "sign_in_failed", actor_label=normalise_username(username)[:254] or "-",
                     remote_addr=remote_addr)
        return None
    audit.record(db, "sign_in", actor=user, remote_addr=remote_addr)
    return start_session(db, user)


def create_user(
    db: Session, username: str, display_name: str, password: str, roles: list[str],
    *, actor: User | None = None,
) -> User:
    """Create a staff account after checking the password policy and roles."""
    username = normalise_username(username)
    if not username:
        raise AccountError("Ange ett användarnamn.")
    if find_user(db, username) is not None:
        raise AccountError(f"Användarnamnet {username} finns redan.")
    problems = password_problems(password, username=username)
    if problems:
        raise AccountError(" ".join(problems))
    _check_roles(roles)
    user = User(username=username, display_name=display_name.strip() or username,
                password_hash=hash_password(password))
    user.role_rows = [UserRole(role=r) for r in sorted(set(roles))]
    db.add(user)
    db.flush()
    audit.record(db, "user_created", actor=actor, target=username)
    return user


def change_password(db: Session, user: User, current: str, new: str) -> None:
    """Change a password; every session of the user ends, this one included."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Det nuvarande lösenordet stämmer inte.")
    problems = password_problems(new, username=user.username)
    if problems:
        raise AccountError(" ".join(problems))
    user.password_hash = hash_password(new)
    end_all_sessions(db, user.id)
    audit.record(db, "password_changed", actor=user, target=user.username)


def set_roles(db: Session, user: User, roles: list[str], *, actor: User | None) -> None:
    """Replace the user's roles and end their sessions so the change takes effect now."""
    _check_roles(roles)
    wanted = set(roles)
    if wanted == set(user.roles):
        return
    user.role_rows = [UserRole(role=r) for r in sorted(wanted)]
    end_all_sessions(db, user.id)
    audit.record(db, "roles_changed", actor=actor,
                 target=f"{user.username}: {','.join(sorted(wanted)) or '-'}")


def assign_units(db: Session, user: User, unit_codes: list[str], *, actor: User | None) -> None:
    """Set which units a manager is responsible for (sub-units follow)."""
    units = db.scalars(select(OrgUnit).where(OrgUnit.code.in_(unit_codes))).all()
    missing = set(unit_codes) - {u.code for u in units}
    if missing:
        raise AccountError("Okända enhetskoder: " + ", ".join(sorted(missing)))
    if {u.id for u in units} == set(user.unit_ids):
        return  # nothing changed: nobody is signed out, nothing is logged
    user.unit_rows = [ManagerUnit(unit_id=u.id) for u in units]
    end_all_sessions(db, user.id)
    audit.record(db, "roles_changed", actor=actor,
                 target=f"{user.username}: enheter {','.join(sorted(unit_codes)) or '-'}")


def _check_roles(roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError("Okända roller: " + ", ".join(sorted(unknown)))
