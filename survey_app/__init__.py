"""The Flask application: the only package that knows HTTP, sessions and templates."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app.config import check_settings, derived_settings, settings_from_environment

__all__ = ["create_app"]


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides the environment (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    register_extensions(app)
    check_encryption_keys(app)
    register_security(app)
    register_i18n(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_questionnaires(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = settings_from_environment(app.instance_path)
    settings.update(overrides or {})
    settings.update({k: v for k, v in derived_settings(settings).items() if k not in (overrides or {})})
    app.config.update(settings)
    check_settings(app.config)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def register_extensions(app: Flask) -> None:
    from survey_app.crypto import Keyring
    from survey_app.extensions import csrf, db, limiter

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["keyring"] = Keyring.parse(app.config["ENCRYPTION_KEYS"])


def check_encryption_keys(app: Flask) -> None:
    """A well-formed key that is not this deployment's stops the start (see key_checks.py)."""
    from survey_app.key_checks import verify_at_start

    verify_at_start(app)


def register_security(app: Flask) -> None:
    from survey_app.auth.current import register_current_user
    from survey_app.security import (
        quiet_respondent_access_log,
        register_headers,
        register_input_checks,
    )

    register_current_user(app)
    register_headers(app)
    register_input_checks(app)
    quiet_respondent_access_log()


def register_i18n(app: Flask) -> None:
    from survey_app.i18n import init_i18n

    init_i18n(app)


def register_blueprints(app: Flask) -> None:
    from survey_app import auth, home, hr, org, respond

    for blueprint in (auth.bp, home.bp, hr.bp, org.bp, respond.bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from survey_app.errors import register_error_pages

    register_error_pages(app)


def register_commands(app: Flask) -> None:
    from survey_app.cli import register_cli

    register_cli(app)


def register_questionnaires(app: Flask) -> None:
    """Load and validate the questionnaires; a broken file stops the start."""
    from survey_app.instruments import load_instruments

    load_instruments(app)
