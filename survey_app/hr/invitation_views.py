"""HR: invitations one by one or from a leaver file, handouts, open links."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app import audit
from survey_app.auth.access import requires
from survey_app.auth.current import SESSION_KEY
from survey_app.extensions import db
from survey_app.hr import handout_sheets
from survey_app.hr.blueprint import bp
from survey_app.hr.invitation_forms import InvitationForm, LeaverImportForm, OpenLinkForm
from survey_app.hr.invitations import (
    IssuedLink,
    Leaver,
    LeaverImportError,
    create_open_link,
    invitation_batches,
    issue_invitations,
    parse_leavers_csv,
    parse_positions,
    participation,
    reissue_batch,
)
from survey_app.instruments import catalogue
from survey_app.mail import MailNotConfigured, send_link
from survey_app.models import OccupationalGroup, OpenLink, OrgUnit, today
from survey_app.periods import collection_closes, quarter_choices, quarter_of, results_open_on
from survey_app.qr import qr_svg

QUESTIONNAIRE = "exit_survey"


def _secret() -> str:
    return current_app.config["TOKEN_HMAC_KEY"] or current_app.config["SECRET_KEY"]


def _base_url() -> str:
    return (current_app.config["PUBLIC_BASE_URL"] or request.url_root).rstrip("/")


def _collection_days() -> int:
    return current_app.config["COLLECTION_DAYS"]


def _windows(quarters) -> dict:
    """Per quarter: the last day answers are taken, and the day its results open."""
    days = _collection_days()
    return {q: (collection_closes(q, days), results_open_on(q, days)) for q in quarters if q}


def _count(n: int, one: str, many: str) -> str:
    """A count in Swedish for the security log (stored as written, read by Swedish HR)."""
    return f"{n} {one if n == 1 else many}"


def _fill_choices(form) -> None:
    locale = str(get_locale() or "sv")
    units = db.session.execute(select(OrgUnit.code, OrgUnit.name)
                               .where(OrgUnit.kind != "municipality")
                               .order_by(OrgUnit.name)).all()
    form.unit_code.choices = [(c, f"{n} ({c})") for c, n in units]
    form.quarter.choices = [(q, q) for q in quarter_choices(today(), _collection_days())]
    form.quarter.collection_days = _collection_days()  # names a closed quarter as closed
    form.quarter.today = today()
    if request.method == "GET" and not form.quarter.data:
        form.quarter.data = quarter_of(today())  # most leavers leave this quarter, not the next
    if hasattr(form, "occupational_group_code"):
        groups = db.session.scalars(select(OccupationalGroup).order_by(OccupationalGroup.name_sv))
        form.occupational_group_code.choices = [(g.code, g.name(locale)) for g in groups]
        dims = catalogue().dimensions
        form.tenure_band.choices = [(b.key, b.label.get(locale)) for b in dims.tenure_bands]
        form.ending_type.choices = [(e.key, e.label.get(locale)) for e in dims.ending_types]


def _window() -> timedelta:
    return timedelta(minutes=current_app.config.get("HANDOUT_SHOW_MINUTES", 30))


def _handouts(issued: list[IssuedLink], kind: str):
    """Keep the links sealed for a short while and send the browser to their page (303),
    so a refresh or the language switch shows them again instead of posting again."""
    sheet = handout_sheets.keep(db.session, issued, kind=kind, user_id=g.user.id,
                                server_secret=current_app.config["SECRET_KEY"],
                                session_token=session.get(SESSION_KEY, ""), window=_window())
    db.session.commit()
    return redirect(url_for("hr.handouts", sheet=sheet), code=303)


def _title(kind: str, count: int) -> str:
    if kind == "import":
        return _("%(n)d inbjudningar är skapade", n=count)
    if kind == "reissue":
        return _("Nya lappar ersätter de gamla")
    return _("Inbjudan är skapad")


@bp.get("/invitations/handouts/<sheet>")
@requires("hr_admin")
def handouts(sheet: str):
    minutes = current_app.config.get("HANDOUT_SHOW_MINUTES", 30)
    try:
        shown = handout_sheets.show(db.session, sheet, user_id=g.user.id,
                                    server_secret=current_app.config["SECRET_KEY"],
                                    session_token=session.get(SESSION_KEY, ""), window=_window())
    except handout_sheets.Gone:
        db.session.commit()
        return render_template("hr/handouts_gone.html", minutes=minutes), 410
    if shown is None:
        abort(404)
    kind, issued = shown
    base = _base_url()
    cards = [{"link": link, "url": base + link.path,
              "qr": qr_svg(base + link.path, _("QR-kod till enkäten"))} for link in issued]
    return render_template("hr/handouts.html", cards=cards, title=_title(kind, len(issued)),
                           minutes=minutes)


@bp.get("/invitations")
@requires("hr_admin")
def invitations():
    minimum = current_app.config["MIN_RESPONDENTS"]
    shown = participation(db.session, QUESTIONNAIRE, minimum, today(),
                          request.args.get("quarter"), collection_days=_collection_days())
    return render_template("hr/invitations.html", batches=invitation_batches(db.session),
                           participation=shown, windows=_windows([shown.quarter]),
                           minimum=minimum)


@bp.get("/invitations/new")
@requires("hr_admin")
def invitation_new():
    form = InvitationForm()
    _fill_choices(form)
    return render_template("hr/invitation_new.html", form=form,
                           mail=bool(current_app.config["SMTP_HOST"]))


@bp.post("/invitations/new")
@requires("hr_admin")
def invitation_create():
    form = InvitationForm()
    _fill_choices(form)
    if not form.validate_on_submit():
        return render_template("hr/invitation_new.html", form=form,
                               mail=bool(current_app.config["SMTP_HOST"])), 400
    leaver = Leaver(form.unit_code.data, form.occupational_group_code.data,
                    form.tenure_band.data, form.ending_type.data, form.quarter.data)
    issued = issue_invitations(db.session, [leaver], questionnaire_key=QUESTIONNAIRE,
                               secret=_secret(),
                               valid_days=current_app.config["INVITATION_VALID_DAYS"],
                               collection_days=_collection_days(), today=today())
    audit.record(db.session, "invitations_created", actor=g.user, target="1 inbjudan")
    db.session.commit()
    if form.email.data:
        try:
            send_link(current_app.config, form.email.data, _base_url() + issued[0].path)
            flash(_("Länken är skickad. Adressen har inte sparats."), "info")
        except (MailNotConfigured, OSError):
            flash(_("E-post kunde inte skickas. Skriv ut lappen eller kopiera länken i stället."),
                  "error")
    return _handouts(issued, "new")


@bp.get("/invitations/import")
@requires("hr_admin")
def invitation_import():
    return render_template("hr/invitation_import.html", form=LeaverImportForm(), problems=[])


@bp.post("/invitations/import")
@requires("hr_admin")
def invitation_import_submit():
    form = LeaverImportForm()
    if not form.validate_on_submit():
        return render_template("hr/invitation_import.html", form=form, problems=[]), 400
    try:
        text = form.file.data.read().decode("utf-8-sig")
        parsed = parse_leavers_csv(db.session, text, today(),
                                   collection_days=_collection_days())
    except UnicodeDecodeError:
        problems = [_("Filen är inte sparad som UTF-8. Spara den som 'CSV UTF-8' och försök igen.")]
        return render_template("hr/invitation_import.html", form=form, problems=problems), 400
    except LeaverImportError as exc:
        return render_template("hr/invitation_import.html", form=form,
                               problems=exc.problems), 400
    issued = issue_invitations(db.session, parsed.leavers, questionnaire_key=QUESTIONNAIRE,
                               secret=_secret(),
                               valid_days=current_app.config["INVITATION_VALID_DAYS"],
                               collection_days=_collection_days(), today=today())
    audit.record(db.session, "invitations_created", actor=g.user,
                 target=_count(len(issued), "inbjudan från fil", "inbjudningar från fil"))
    db.session.commit()
    if parsed.ignored_columns:
        flash(ngettext("Kolumnen %(c)s lästes inte och sparades inte.",
                       "Kolumnerna %(c)s lästes inte och sparades inte.",
                       len(parsed.ignored_columns), c=", ".join(parsed.ignored_columns)), "info")
    return _handouts(issued, "import")


@bp.post("/invitations/batch/<batch>/reissue")
@requires("hr_admin")
def invitation_reissue(batch: str):
    positions = parse_positions(request.form.get("positions", ""))
    if positions is None:
        flash(_("Skriv lappnummer som 3 eller 2, 5, 7, eller lämna fältet tomt för alla lappar."),
              "error")
        return redirect(url_for("hr.invitations"))
    issued = reissue_batch(db.session, batch, secret=_secret(),
                           valid_days=current_app.config["INVITATION_VALID_DAYS"],
                           collection_days=_collection_days(), today=today(),
                           positions=positions)
    if not issued:
        abort(404)
    audit.record(db.session, "invitations_created", actor=g.user,
                 target=_count(len(issued), "lapp ersatt", "lappar ersatta"))
    db.session.commit()
    return _handouts(issued, "reissue")


@bp.get("/open-links")
@requires("hr_admin")
def open_links():
    form = OpenLinkForm()
    _fill_choices(form)
    return _open_links_page(form)


def _open_links_page(form: OpenLinkForm):
    rows = db.session.execute(select(OpenLink, OrgUnit.name).join(OrgUnit)
                              .order_by(OpenLink.quarter.desc(), OrgUnit.name)).all()
    by_quarter: dict[str, list] = {}
    for link, unit_name in rows:
        by_quarter.setdefault(link.quarter, []).append((link, unit_name))
    return render_template("hr/open_links.html", form=form, links=by_quarter,
                           windows=_windows(by_quarter))


@bp.post("/open-links")
@requires("hr_admin")
def open_link_create():
    form = OpenLinkForm()
    _fill_choices(form)
    if not form.validate_on_submit():
        return _open_links_page(form), 400
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == form.unit_code.data))
    link = create_open_link(db.session, unit, form.quarter.data, questionnaire_key=QUESTIONNAIRE,
                            valid_days=current_app.config["INVITATION_VALID_DAYS"] + 90,
                            collection_days=_collection_days(), today=today())
    db.session.commit()
    return open_link_poster(link.id)


@bp.get("/open-links/<int:link_id>")
@requires("hr_admin")
def open_link_poster(link_id: int):
    link = db.session.get(OpenLink, link_id) or abort(404)
    unit = db.session.get(OrgUnit, link.unit_id)
    url = _base_url() + url_for("respond.open_shared_link", token=link.token)
    return render_template("hr/poster.html", link=link, unit=unit, url=url,
                           qr=qr_svg(url, _("QR-kod till enkäten")))
