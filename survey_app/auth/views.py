"""Sign-in, sign-out and password change pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from survey_app import audit
from survey_app.auth.access import requires
from survey_app.auth.current import SESSION_KEY
from survey_app.auth.forms import LoginForm, PasswordChangeForm
from survey_app.auth.services import AccountError, change_password, sign_in
from survey_app.auth.sessions import end_session
from survey_app.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")


def _account_key() -> str:
    return "account:" + request.form.get("username", "").strip().lower()[:254]


def _failed(response) -> bool:
    # Only failed attempts count towards the limits; a success redirects.
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.get("/login")
def login():
    if g.get("user"):
        return redirect(url_for("home.index"))
    return render_template("auth/login.html", form=LoginForm())


@bp.post("/login")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], key_func=_account_key,
               deduct_when=_failed, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], deduct_when=_failed,
               scope="login-address")
def login_submit():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    token = sign_in(db.session, form.username.data, form.password.data, request.remote_addr)
    db.session.commit()
    if token is None:
        flash(_("Fel användarnamn eller lösenord."), "error")
        return render_template("auth/login.html", form=form), 200
    session.clear()  # nothing from before sign-in carries over
    session[SESSION_KEY] = token
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@requires()
def logout():
    token = session.pop(SESSION_KEY, None)
    if token:
        end_session(db.session, token)
        audit.record(db.session, "sign_out", actor=g.user)
        db.session.commit()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/password")
@requires()
def password():
    return render_template("auth/password.html", form=PasswordChangeForm())


@bp.post("/password")
@requires()
def password_submit():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 400
    try:
        change_password(db.session, g.user, form.current.data, form.new.data)
    except AccountError as exc:
        form.new.errors = [str(exc)]
        return render_template("auth/password.html", form=form), 400
    db.session.commit()
    session.clear()
    flash(_("Lösenordet är bytt. Logga in med det nya lösenordet."), "info")
    return redirect(url_for("auth.login"))
