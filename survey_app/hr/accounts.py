"""HR administration: accounts, roles, manager units, the audit log."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.audit import EVENT_LABELS
from survey_app.auth.access import requires
from survey_app.auth.services import AccountError, assign_units, create_user, set_roles
from survey_app.extensions import db
from survey_app.hr.blueprint import bp
from survey_app.hr.forms import ROLE_LABELS, NewUserForm, RolesForm
from survey_app.models import AuditEvent, OrgUnit, User

AUDIT_PAGE_SIZE = 200


def _unit_codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").replace(";", ",").split(",") if c.strip()]


@bp.get("/users")
@requires("hr_admin")
def users():
    return _users_page(NewUserForm())


@bp.post("/users")
@requires("hr_admin")
def users_create():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(db.session, form.username.data, form.display_name.data,
                               form.password.data, form.roles.data, actor=g.user)
            assign_units(db.session, user, _unit_codes(form.units.data), actor=g.user)
        except AccountError as exc:
            db.session.rollback()
            form.username.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Kontot %(u)s är skapat.", u=user.username), "info")
            return redirect(url_for("hr.users"))
    return _users_page(form), 400


def _users_page(form: NewUserForm) -> str:
    people = db.session.scalars(select(User).order_by(User.username)).all()
    codes = dict(db.session.execute(select(OrgUnit.id, OrgUnit.code)).all())
    return render_template("hr/users.html", people=people, codes=codes, form=form,
                           role_labels=ROLE_LABELS)


@bp.get("/users/<int:user_id>")
@requires("hr_admin")
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    codes = dict(db.session.execute(select(OrgUnit.id, OrgUnit.code)).all())
    form = RolesForm(roles=sorted(user.roles),
                     units=", ".join(sorted(codes[i] for i in user.unit_ids)))
    return render_template("hr/user_edit.html", person=user, form=form)


@bp.post("/users/<int:user_id>")
@requires("hr_admin")
def user_edit_submit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm()
    if form.validate_on_submit():
        try:
            set_roles(db.session, user, form.roles.data, actor=g.user)
            assign_units(db.session, user, _unit_codes(form.units.data), actor=g.user)
        except AccountError as exc:
            db.session.rollback()
            form.units.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Rollerna för %(u)s är sparade. Personen behöver logga in på nytt.",
                    u=user.username), "info")
            return redirect(url_for("hr.users"))
    return render_template("hr/user_edit.html", person=user, form=form), 400


@bp.get("/audit")
@requires("hr_admin")
def audit_log():
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE)).all()
    return render_template("hr/audit.html", events=events, limit=AUDIT_PAGE_SIZE,
                           event_labels=EVENT_LABELS)
