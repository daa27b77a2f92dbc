"""Respondent pages. The token is swapped for a session at once and never shown again."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from wtforms.validators import ValidationError

from questionnaires import build_form, read_answers
from survey_app.crypto import token_digest
from survey_app.extensions import csrf, db
from survey_app.instruments import catalogue
from survey_app.models import OccupationalGroup, today
from survey_app.respond.flow import (
    Progress,
    draft_expiry,
    ensure_draft,
    load_progress,
    merge_step,
    store_progress,
)
from survey_app.respond.links import (
    LinkProblem,
    Respondent,
    resolve_invitation,
    resolve_open_link,
    still_valid,
)
from survey_app.respond.submission import (
    AlreadySubmitted,
    Incomplete,
    reshuffle_quarter,
    submit_response,
)

bp = Blueprint("respond", __name__, url_prefix="/s", template_folder="templates")
csrf.exempt(bp)  # checked in step_submit, which keeps the answers when the check fails

SESSION_KEY = "respond"
DONE_KEY = "respond_done"
LINK_STATUS = {"malformed": 404, "unknown": 404, "used": 410, "expired": 410}


def _keyring():
    return current_app.extensions["keyring"]


def _secret() -> str:
    return current_app.config["TOKEN_HMAC_KEY"] or current_app.config["SECRET_KEY"]


def _resume_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respond-resume")


def _locale() -> str:
    return str(get_locale() or "sv")


def _group_choices(source: str, locale: str):
    groups = db.session.scalars(select(OccupationalGroup).where(OccupationalGroup.active)
                                .order_by(OccupationalGroup.name_sv)).all()
    return [(g.code, g.name(locale)) for g in groups]


def _begin(respondent: Respondent):
    session.pop(DONE_KEY, None)
    session[SESSION_KEY] = respondent.to_session()
    session.permanent = True  # bounded by PERMANENT_SESSION_LIFETIME
    return redirect(url_for("respond.start"))


def _link_problem(problem: LinkProblem):
    return render_template("respond/link_problem.html", kind=problem.kind), LINK_STATUS[problem.kind]


def _current() -> Respondent | None:
    data = session.get(SESSION_KEY)
    return Respondent.from_session(data) if data else None


@bp.get("/<token>")
def open_invitation(token: str):
    try:
        return _begin(resolve_invitation(db.session, token, _secret(), today()))
    except LinkProblem as problem:
        return _link_problem(problem)


@bp.get("/o/<token>")
def open_shared_link(token: str):
    browser_key = session.get("open_key") or secrets.token_urlsafe(24)
    session["open_key"] = browser_key
    try:
        respondent = resolve_open_link(db.session, token, today(),
                                       draft_id=token_digest(_secret(), "open:" + browser_key))
    except LinkProblem as problem:
        return _link_problem(problem)
    ensure_draft(db.session, _keyring(), catalogue(), respondent,
                 draft_expiry(db.session, respondent, today(),
                              current_app.config["INVITATION_VALID_DAYS"]))
    db.session.commit()
    return _begin(respondent)


def respondent_page(view):
    """Run the view only for a respondent whose link still works; else say what to do."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        respondent = _current()
        if respondent is None:
            return render_template("respond/no_session.html"), 400
        try:
            still_valid(db.session, respondent, today())
        except LinkProblem as problem:
            return _link_problem(problem)
        progress = load_progress(db.session, _keyring(), catalogue(), respondent)
        return view(respondent, progress, *args, **kwargs)

    return wrapped


@bp.get("/")
@respondent_page
def start(respondent: Respondent, progress: Progress):
    return render_template("respond/start.html", questionnaire=progress.questionnaire,
                           resume=progress.first_open_step(respondent.mode) if progress.answers
                           else None, min_respondents=current_app.config["MIN_RESPONDENTS"])


@bp.get("/step/<int:number>")
@respondent_page
def step(respondent: Respondent, progress: Progress, number: int):
    return _render_step(respondent, progress, number)


@bp.post("/step/<int:number>")
def step_submit(number: int):
    respondent = _current()
    expired_form = not _csrf_ok()
    if respondent is None:
        if session.get(DONE_KEY):
            return redirect(url_for("respond.thanks"))  # a second tap after the first went through
        respondent = _restore_from_resume_field()
        if respondent is None:
            return render_template("respond/no_session.html"), 400
        session[SESSION_KEY] = respondent.to_session()
        session.permanent = True
    try:
        still_valid(db.session, respondent, today())
    except LinkProblem as problem:
        if problem.kind == "used":
            return redirect(url_for("respond.thanks"))  # a double tap after the first submit
        return _link_problem(problem)
    progress = load_progress(db.session, _keyring(), catalogue(), respondent)
    steps = progress.steps(respondent.mode)
    if not 1 <= number <= len(steps):
        abort(404)
    section = steps[number - 1]
    if expired_form:
        # Keep what was typed and ask once more, with a fresh token.
        return _render_step(respondent, progress, number, formdata=request.form,
                            notice="expired"), 400
    answers, errors = read_answers(progress.questionnaire, section.key, request.form,
                                   progress.answers, _locale(), respondent.mode, _group_choices)
    action = request.form.get("action", "next")
    progress = merge_step(progress, answers, section, respondent.mode)
    if action == "next" and not errors and number == len(progress.steps(respondent.mode)):
        return _submit(respondent, progress)  # the draft is deleted with the submission
    expires = draft_expiry(db.session, respondent, today(),
                           current_app.config["INVITATION_VALID_DAYS"])
    comes_next = {"later": number, "back": max(number - 1, 1)}.get(
        action, number if errors else number + 1)
    store_progress(db.session, _keyring(), respondent, progress, expires, step=comes_next)
    db.session.commit()
    if action == "later":
        session.pop(SESSION_KEY, None)
        return redirect(url_for("respond.saved"))
    if action == "back":
        return redirect(url_for("respond.step", number=max(number - 1, 1)))
    if errors:
        return _render_step(respondent, progress, number, formdata=request.form), 400
    return redirect(url_for("respond.step", number=number + 1))


def _submit(respondent: Respondent, progress: Progress):
    db.session.rollback()  # the claim below must open its own transaction
    try:
        submit_response(db.session, _keyring(), progress.questionnaire, respondent,
                        progress.answers)
        db.session.commit()
    except AlreadySubmitted:
        db.session.rollback()
        session.pop(SESSION_KEY, None)
        return redirect(url_for("respond.thanks"))
    except Incomplete as exc:
        db.session.rollback()
        first = _step_of(respondent, progress, exc.missing[0])
        return redirect(url_for("respond.step", number=first, missing=1))
    except OperationalError:
        db.session.rollback()  # SQLite busy: the other tap won; its thanks page stands
        session.pop(SESSION_KEY, None)
        return redirect(url_for("respond.thanks"))
    session.pop(SESSION_KEY, None)
    session.pop("open_key", None)  # a later visit to an open link starts a new answer
    session[DONE_KEY] = True
    try:
        reshuffle_quarter(db.session, respondent.quarter, respondent.questionnaire_key)
        db.session.commit()
    except OperationalError:
        # SQLite busy with a parallel submission: that one reshuffles the same quarter.
        db.session.rollback()
    return redirect(url_for("respond.thanks"))


def _step_of(respondent: Respondent, progress: Progress, question_key: str) -> int:
    for number, section in enumerate(progress.steps(respondent.mode), start=1):
        if any(question_key in q.answer_keys() for q in section.questions):
            return number
    return 1


def _render_step(respondent: Respondent, progress: Progress, number: int, formdata=None,
                 notice: str | None = None):
    steps = progress.steps(respondent.mode)
    if not 1 <= number <= len(steps):
        abort(404)
    section = steps[number - 1]
    form_class = build_form(progress.questionnaire, section.key, progress.answers, _locale(),
                            respondent.mode, base=FlaskForm, choices_provider=_group_choices)
    form = form_class(formdata=formdata) if formdata is not None else form_class(formdata=None)
    if formdata is not None and notice is None:
        read_answers(progress.questionnaire, section.key, form, progress.answers, _locale(),
                     respondent.mode, _group_choices)
    if request.args.get("missing"):
        read_answers(progress.questionnaire, section.key, form, progress.answers, _locale(),
                     respondent.mode, _group_choices)
    kinds = {q.key: q.type for q in form_class.questions}
    return render_template(
        "respond/step.html", form=form, section=section, number=number, total=len(steps),
        kinds=kinds, questionnaire=progress.questionnaire, notice=notice,
        resume_token=_resume_signer().dumps(respondent.to_session()),
        version_changed=progress.version_changed,
    )


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def _restore_from_resume_field() -> Respondent | None:
    max_age = timedelta(days=current_app.config["INVITATION_VALID_DAYS"]).total_seconds()
    try:
        data = _resume_signer().loads(request.form.get("resume", ""), max_age=max_age)
    except BadSignature:
        return None
    return Respondent.from_session(data)


@bp.get("/saved")
def saved():
    return render_template("respond/saved.html")


@bp.get("/thanks")
def thanks():
    return render_template("respond/thanks.html",
                           min_respondents=current_app.config["MIN_RESPONDENTS"])
