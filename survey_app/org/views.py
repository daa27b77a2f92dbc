"""Organisation pages: the tree, a unit, a manager's units, CSV import and export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey_app import audit
from survey_app.auth.access import requires, unit_scope
from survey_app.extensions import db
from survey_app.org.csv_io import OrgImportError, export_org_csv, import_org_csv
from survey_app.org.forms import OrgImportForm
from survey_app.org.tree import ancestors, load_tree

bp = Blueprint("org", __name__, url_prefix="/org", template_folder="templates")


@bp.get("/")
@requires("hr_admin", "hr_analyst")
def tree():
    return render_template("org/tree.html", roots=load_tree(db.session))


@bp.get("/mine")
@requires("manager", "hr_admin")
def my_units():
    scope = unit_scope(db.session, g.user)
    roots = load_tree(db.session, only=scope) if scope is not None else load_tree(db.session)
    return render_template("org/mine.html", roots=roots)


@bp.get("/units/<code>")
@requires("manager", "hr_admin", unit_arg="code")
def unit(unit):
    scope = unit_scope(db.session, g.user)
    # Breadcrumbs link only where the reader may go: a manager's parent is plain text.
    path = [(a, scope is None or a.id in scope) for a in ancestors(unit)]
    return render_template("org/unit.html", unit=unit, path=path)


@bp.get("/import")
@requires("hr_admin")
def import_form():
    return render_template("org/import.html", form=OrgImportForm(), problems=[])


@bp.post("/import")
@requires("hr_admin")
def import_submit():
    form = OrgImportForm()
    if not form.validate_on_submit():
        return render_template("org/import.html", form=form, problems=[]), 400
    try:
        text = form.file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return render_template("org/import.html", form=form, problems=[
            _("Filen är inte sparad som UTF-8. Spara den som 'CSV UTF-8' och försök igen.")]), 400
    try:
        summary = import_org_csv(db.session, text)
    except OrgImportError as exc:
        db.session.rollback()
        return render_template("org/import.html", form=form, problems=exc.problems), 400
    audit.record(db.session, "org_imported", actor=g.user, remote_addr=request.remote_addr,
                 target=f"{summary.created} nya, {summary.updated} namnbytta, {summary.moved} flyttade")
    db.session.commit()
    flash(_("Organisationen är inläst: %(c)d nya, %(u)d ändrade, %(m)d flyttade, "
            "%(n)d oförändrade.", c=summary.created, u=summary.updated, m=summary.moved,
            n=summary.unchanged), "info")
    return redirect(url_for("org.tree"))


@bp.get("/export.csv")
@requires("hr_admin")
def export():
    body = export_org_csv(db.session)
    audit.record(db.session, "export", actor=g.user, target="organisation.csv",
                 remote_addr=request.remote_addr)
    db.session.commit()
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=organisation.csv"})
