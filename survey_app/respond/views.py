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
from flask_babel import get_locale, refresh
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from wtforms.validators import ValidationError

from questionnaires import (
    build_followup_form,
    build_form,
    followups_to_ask,
    read_answers,
    read_followup,
)
from survey_app.crypto import printed_link, token_digest
from survey_app.db import write_turn
from survey_app.extensions import csrf, db
from survey_app.i18n import LOCALES
from survey_app.instruments import catalogue
from survey_app.models import OccupationalGroup, OpenLinkClaim, today
from survey_app.respond.flow import (
    Progress,
    draft_expiry,
    load_progress,
    merge_followups,
    merge_step,
    store_progress,
)
from survey_app.respond.limits import allow
from survey_app.respond.links import (
    LinkProblem,
    Respondent,
    refuse_after_collection,
    resolve_invitation,
    resolve_open_link,
    still_valid,
)
from survey_app.respond.mixing import mix_in_submission, mix_pending
from survey_app.respond.submission import (
    AlreadySubmitted,
    Incomplete,
    is_claimed,
    response_row,
    store_response,
)

bp = Blueprint("respond", __name__, url_prefix="/s", template_folder="templates")
csrf.exempt(bp)  # checked in step_submit, which keeps the answers when the check fails
# `{{ card.url | printed_link }}`: a link as printed, its token grouped for typing.
bp.add_app_template_filter(printed_link, "printed_link")

SESSION_KEY = "respond"
DONE_KEY = "respond_done"
LINK_STATUS = {"malformed": 404, "unknown": 404, "used": 410, "expired": 410, "closed": 410}
RETRY_AFTER_SECONDS = 10


class NotSaved(Exception):
    """The database did not take what the respondent sent; nothing may claim otherwise."""


def _keyring():
    return current_app.extensions["keyring"]


def _secret() -> str:
    return current_app.config["TOKEN_HMAC_KEY"] or current_app.config["SECRET_KEY"]


def _collection_days() -> int:
    return current_app.config["COLLECTION_DAYS"]


def _resume_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respond-resume")


def _locale() -> str:
    return str(get_locale() or "sv")


def _group_choices(source: str, locale: str):
    try:
        groups = db.session.scalars(select(OccupationalGroup).where(OccupationalGroup.active)
                                    .order_by(OccupationalGroup.name_sv)).all()
    except DBAPIError:  # the not-saved page still shows the rest of the step
        db.session.rollback()
        return []
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
        return _begin(resolve_invitation(db.session, token, _secret(), today(),
                                         collection_days=_collection_days()))
    except LinkProblem as problem:
        return _link_problem(problem)


@bp.get("/o/<token>")
def open_shared_link(token: str):
    browser_key = session.get("open_key") or secrets.token_urlsafe(24)
    session["open_key"] = browser_key
    try:
        respondent = resolve_open_link(db.session, token, today(),
                                       draft_id=token_digest(_secret(), "open:" + browser_key),
                                       collection_days=_collection_days())
    except LinkProblem as problem:
        return _link_problem(problem)
    # No row is written here: the draft appears at the first save, so visits cost nothing.
    if db.session.get(OpenLinkClaim, respondent.draft_id) is not None:
        return render_template("respond/already_answered.html", token=token)
    return _begin(respondent)


@bp.post("/o/<token>/someone-else")
def open_link_someone_else(token: str):
    """A deliberate new answer on a device that has answered (a shared phone or tablet)."""
    if not _csrf_ok():
        return render_template("respond/already_answered.html", token=token, expired=True), 400
    for key in ("open_key", SESSION_KEY, DONE_KEY):
        session.pop(key, None)
    return redirect(url_for("respond.open_shared_link", token=token))


def respondent_page(view):
    """Run the view only for a respondent whose link still works; else say what to do."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        respondent = _current()
        if respondent is None:
            return render_template("respond/no_session.html"), 400
        try:
            still_valid(db.session, respondent, today(), collection_days=_collection_days())
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


@bp.get("/step/<int:number>/main")
@respondent_page
def step_main(respondent: Respondent, progress: Progress, number: int):
    """The "which mattered most?" page of a step, offering only the options ticked there."""
    if not _followups(respondent, progress, number):
        return redirect(url_for("respond.step", number=number))
    return _render_step(respondent, progress, number, followup=True)


@bp.post("/step/<int:number>")
def step_submit(number: int):
    return _step_post(number, followup=False)


@bp.post("/step/<int:number>/main")
def step_main_submit(number: int):
    return _step_post(number, followup=True)


def _step_post(number: int, followup: bool):
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
        return _take_step(respondent, number, expired_form, followup)
    except (DBAPIError, NotSaved) as exc:
        db.session.rollback()
        cause = exc.__cause__ if isinstance(exc, NotSaved) else exc
        # The kind of failure only: statements and parameters may hold answers.
        current_app.logger.warning("Respondent step not saved: %s",
                                   type(getattr(cause, "orig", cause)).__name__)
        return _not_saved(respondent, number, followup)


def _followups(respondent: Respondent, progress: Progress, number: int):
    """The follow-ups step `number` asks on a page of its own (two or more reasons ticked)."""
    steps = progress.steps(respondent.mode)
    if not 1 <= number <= len(steps):
        abort(404)
    return followups_to_ask(progress.questionnaire, steps[number - 1], progress.answers,
                            respondent.mode, _locale(), _group_choices)


def _step_url(number: int, followup: bool = False) -> str:
    return url_for("respond.step_main" if followup else "respond.step", number=number)


def _back_url(respondent: Respondent, progress: Progress, number: int, followup: bool) -> str:
    if followup:
        return _step_url(number)
    before = max(number - 1, 1)
    return _step_url(before, before < number and bool(_followups(respondent, progress, before)))


def _take_step(respondent: Respondent, number: int, expired_form: bool, followup: bool = False):
    try:
        still_valid(db.session, respondent, today(), collection_days=_collection_days())
    except LinkProblem as problem:
        if problem.kind == "used":
            return redirect(url_for("respond.thanks"))  # a double tap after the first submit
        return _link_problem(problem)
    progress = load_progress(db.session, _keyring(), catalogue(), respondent)
    steps = progress.steps(respondent.mode)
    if not 1 <= number <= len(steps):
        abort(404)
    section = steps[number - 1]
    switch_to = request.form.get("switch_lang")
    if switch_to in LOCALES:
        session["lang"] = switch_to  # as ?lang= does; the rest of the survey follows
        refresh()
    if followup and not _followups(respondent, progress, number):
        return redirect(_step_url(number))  # the reasons changed meanwhile
    if expired_form:
        # Keep what was typed and ask once more, with a fresh token.
        return _render_step(respondent, progress, number, formdata=request.form,
                            notice="expired", followup=followup), 400
    action = "switch_lang" if switch_to in LOCALES else request.form.get("action", "next")
    if followup:
        answers, errors = read_followup(_followups(respondent, progress, number), request.form,
                                        _locale())
        progress = merge_followups(progress, answers, respondent.mode)
        ask_main = False
    else:
        answers, errors = read_answers(progress.questionnaire, section.key, request.form,
                                       progress.answers, _locale(), respondent.mode,
                                       _group_choices, followups_apart=True)
        progress = merge_step(progress, answers, section, respondent.mode)
        # Two or more reasons ticked: the main one is asked next, among those ticked (unless
        # a page from before this change sent it along with them).
        pending = _followups(respondent, progress, number)
        ask_main = bool(pending) and not all(
            request.form.get(f.key) in {o.key for o in f.options} for f in pending)
    if action == "next" and not errors and not ask_main \
            and number == len(progress.steps(respondent.mode)):
        return _submit(respondent, progress, number)  # the draft is deleted with the submission
    if respondent.mode == "open_link" and not progress.stored \
            and not allow("OPEN_LINK_DRAFT_LIMIT"):
        return _too_many(respondent, progress, number, followup)
    expires = draft_expiry(db.session, respondent, today(),
                           current_app.config["INVITATION_VALID_DAYS"])
    # Switching language saves what was given, unchecked (a required answer may still be
    # missing), and shows the same step again in the other language.
    comes_next = {"later": number, "back": max(number - 1, 1), "switch_lang": number}.get(
        action, number if errors or ask_main else number + 1)
    store_progress(db.session, _keyring(), respondent, progress, expires, step=comes_next)
    db.session.commit()
    if action == "later":
        session.pop(SESSION_KEY, None)
        return redirect(url_for("respond.saved"))
    if action == "back":
        return redirect(_back_url(respondent, progress, number, followup))
    if action == "switch_lang":
        return redirect(_step_url(number, followup))
    if errors:
        return _render_step(respondent, progress, number, formdata=request.form,
                            followup=followup), 400
    if ask_main:
        return redirect(_step_url(number, followup=True))
    return redirect(url_for("respond.step", number=number + 1))


def _submit(respondent: Respondent, progress: Progress, number: int):
    """Store the response; the thank-you page only once it is committed."""
    db.session.rollback()  # the claim below must open its own transaction
    try:
        # Defensive (the steps check it too): one date comparison on the quarter the
        # respondent carries, before the write turn, so the lock is never held for it.
        refuse_after_collection(respondent.quarter, _collection_days(), today())
    except LinkProblem as problem:
        return _link_problem(problem)
    if respondent.mode == "open_link" and not allow("OPEN_LINK_SUBMIT_LIMIT"):
        return _too_many(respondent, progress, number)
    sample = current_app.config["MIX_SAMPLE"]
    try:
        row = response_row(_keyring(), progress.questionnaire, respondent, progress.answers)
        with write_turn(db.session, current_app.config["SQLITE_BUSY_TIMEOUT_MS"]):
            store_response(db.session, respondent, row)
            mixed_already = mix_in_submission(db.session, sample=sample)
            db.session.commit()
    except AlreadySubmitted:
        db.session.rollback()  # the link (or this browser's answer) is stored already
        return _finished(respondent, mix_after=False)
    except Incomplete as exc:
        db.session.rollback()
        if _stored_after_all(respondent):  # a parallel tap stored it (and took the draft)
            return _finished(respondent, mix_after=False)
        first, on_own_page = _step_of(respondent, progress, exc.missing[0])
        return redirect(url_for("respond.step_main" if on_own_page else "respond.step",
                                number=first, missing=1))
    except DBAPIError as exc:
        db.session.rollback()
        # A lost connection at COMMIT leaves the outcome open: look before answering.
        if _stored_after_all(respondent):
            return _finished(respondent, mix_after=False)
        raise NotSaved() from exc
    return _finished(respondent, mix_after=not mixed_already)


def _stored_after_all(respondent: Respondent) -> bool:
    try:
        return is_claimed(db.session, respondent)
    except DBAPIError:
        db.session.rollback()
        return False


def _finished(respondent: Respondent, mix_after: bool):
    session.pop(SESSION_KEY, None)
    session[DONE_KEY] = True
    if mix_after:
        # The response is committed whatever happens here; a failed mix only waits.
        mix_pending(db.session, sample=current_app.config["MIX_SAMPLE"])
    return redirect(url_for("respond.thanks"))


def _not_saved(respondent: Respondent, number: int, followup: bool = False):
    """503: nothing of this request was saved; the answers are shown again as typed."""
    try:
        progress = load_progress(db.session, _keyring(), catalogue(), respondent)
    except DBAPIError:
        db.session.rollback()
        progress = Progress(catalogue().current(respondent.questionnaire_key), {})
    number = max(1, min(number, len(progress.steps(respondent.mode))))
    followup = followup and bool(_followups(respondent, progress, number))
    body = _render_step(respondent, progress, number, formdata=request.form, notice="not_saved",
                        followup=followup)
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _too_many(respondent: Respondent, progress: Progress, number: int, followup: bool = False):
    body = _render_step(respondent, progress, number, formdata=request.form, notice="too_many",
                        followup=followup)
    return body, 429, {"Retry-After": "3600"}


def _step_of(respondent: Respondent, progress: Progress, question_key: str) -> tuple[int, bool]:
    """The step asking `question_key`, and whether on its follow-up page."""
    for number, section in enumerate(progress.steps(respondent.mode), start=1):
        for q in section.questions:
            if question_key in q.answer_keys():
                return number, question_key != q.key
    return 1, False


def _render_step(respondent: Respondent, progress: Progress, number: int, formdata=None,
                 notice: str | None = None, followup: bool = False):
    steps = progress.steps(respondent.mode)
    if not 1 <= number <= len(steps):
        abort(404)
    section = steps[number - 1]
    if followup:
        followups = _followups(respondent, progress, number)
        form_class = build_followup_form(followups, progress.answers, _locale(), base=FlaskForm)

        def check(form):
            read_followup(followups, form, _locale())
    else:
        form_class = build_form(progress.questionnaire, section.key, progress.answers, _locale(),
                                respondent.mode, base=FlaskForm, choices_provider=_group_choices,
                                followups_apart=True)

        def check(form):
            read_answers(progress.questionnaire, section.key, form, progress.answers, _locale(),
                         respondent.mode, _group_choices, followups_apart=True)
    form = form_class(formdata=formdata) if formdata is not None else form_class(formdata=None)
    if (formdata is not None and notice not in ("expired",)) or request.args.get("missing"):
        check(form)
    kinds = {q.key: q.type for q in form_class.questions}
    return render_template(
        "respond/step.html", form=form, section=section, number=number, total=len(steps),
        kinds=kinds, questionnaire=progress.questionnaire, notice=notice,
        resume_token=_resume_signer().dumps(respondent.to_session()),
        version_changed=progress.version_changed, followup=followup,
        action_url=_step_url(number, followup),
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
