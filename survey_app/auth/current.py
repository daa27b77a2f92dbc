"""Load the signed-in staff member for each request from the server-side session."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session

from survey_app.auth.sessions import resume_session
from survey_app.extensions import db

SESSION_KEY = "staff"


def load_current_user() -> None:
    g.user = None
    token = session.get(SESSION_KEY)
    if not token or request.endpoint == "static":
        return  # stylesheets and scripts need no database lookup
    cfg = current_app.config
    user = resume_session(
        db.session,
        token,
        idle=timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]),
    )
    db.session.commit()
    if user is None:
        session.pop(SESSION_KEY, None)
        return
    g.user = user


def register_current_user(app: Flask) -> None:
    app.before_request(load_current_user)

    @app.context_processor
    def inject_user() -> dict:
        return {"current_user": g.get("user")}
