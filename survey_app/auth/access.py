"""Role and unit-scope rules, enforced in one place: the `requires` decorator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.extensions import db
from survey_app.models import OrgUnit, User


def descendants(db_session: Session, roots: Iterable[int]) -> frozenset[int]:
    """The given units and every unit below them in the tree."""
    children: dict[int, list[int]] = defaultdict(list)
    for unit_id, parent_id in db_session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        if parent_id is not None:
            children[parent_id].append(unit_id)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(children[node])
    return frozenset(seen)


def unit_scope(db_session: Session, user: User) -> frozenset[int] | None:
    """Unit ids a user may see individually; None means every unit (hr_admin)."""
    if user.has_role("hr_admin"):
        return None
    if user.has_role("manager"):
        return descendants(db_session, user.unit_ids)
    return frozenset()


def may_see_unit(db_session: Session, user: User, unit: OrgUnit) -> bool:
    scope = unit_scope(db_session, user)
    return scope is None or unit.id in scope


def requires(*roles: str, unit_arg: str | None = None) -> Callable:
    """Let the view run only for a signed-in user with one of `roles`.

    With `unit_arg`, the view argument of that name is a unit code; the unit must
    exist and lie within the user's scope. Both failures answer the same 404 page,
    so a code outside one's scope cannot be told from one that does not exist. The
    unit is passed on as `unit` in place of the code.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = g.get("user")
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and not user.has_role(*roles):
                abort(403)
            if unit_arg is not None:
                code = kwargs.pop(unit_arg)
                unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
                if unit is None or not may_see_unit(db.session, user, unit):
                    abort(404)
                kwargs["unit"] = unit
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the tests that walk every route
        return wrapped

    return decorator
