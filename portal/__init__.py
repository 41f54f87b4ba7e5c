"""The fostering portal: `create_app` builds the Flask application."""

from pathlib import Path

from flask import Flask, g
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config]) -> Flask:
    """Build the app for one configuration."""
    config_class.check()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=False,
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    from portal.core.page_cache import init_page_cache

    init_page_cache(app)  # inside the proxy fix-up, so it sees the scheme and host it sets
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_extensions(app)
    _register_blueprints(app)
    _init_template_context(app)
    _init_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal.core.db import render_item
    from portal.core.errors import init_errors
    from portal.core.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
    from portal.core.i18n import select_locale
    from portal.core.security import init_security
    from portal.core.serving import init_serving
    from portal.core.tenancy import init_tenancy

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)
    init_security(app)
    init_tenancy(app)
    init_errors(app)
    init_serving(app)

    # Import every model so metadata (and so migrations) sees all tables.
    from portal import models  # noqa: F401
    from portal.accounts.services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "basic"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, a busy timeout and enforced foreign keys for SQLite; nothing for others."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.applications import bp as applications_bp
    from portal.assessments import bp as assessments_bp
    from portal.assisted import bp as assisted_bp
    from portal.audit_log import bp as audit_log_bp
    from portal.childrens_rights import bp as childrens_rights_bp
    from portal.complaints import bp as complaints_bp
    from portal.events import bp as events_bp
    from portal.independent_visitors import bp as independent_visitors_bp
    from portal.kinship import bp as kinship_bp
    from portal.organisation import bp as organisation_bp
    from portal.pages import bp as pages_bp
    from portal.panels import bp as panels_bp
    from portal.paperwork import bp as paperwork_bp
    from portal.people import bp as people_bp
    from portal.performance import bp as performance_bp
    from portal.privacy import bp as privacy_bp
    from portal.recruitment import bp as recruitment_bp
    from portal.settings import bp as settings_bp
    from portal.staff import bp as staff_bp
    from portal.support import bp as support_bp
    from portal.training import bp as training_bp
    from portal.tsds import bp as tsds_bp
    from portal.visits import bp as visits_bp

    app.register_blueprint(organisation_bp)
    # Before pages: the service's own privacy notice answers /<service>/privacy.
    app.register_blueprint(privacy_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(paperwork_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(panels_bp)
    app.register_blueprint(kinship_bp)
    app.register_blueprint(childrens_rights_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(independent_visitors_bp)
    app.register_blueprint(recruitment_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(tsds_bp)
    app.register_blueprint(support_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(performance_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(audit_log_bp)
    app.register_blueprint(assisted_bp)


def _init_template_context(app: Flask) -> None:
    from flask_babel import get_locale

    from portal.core import dates
    from portal.core.i18n import LANGUAGE_NAMES, available_languages, text_direction, web_font
    from portal.core.validators import format_phone
    from portal.organisation.services import brand_colours

    app.jinja_env.globals.update(
        get_locale=get_locale,
        language_names=LANGUAGE_NAMES,
        available_languages=available_languages,
        text_direction=text_direction,
        web_font=web_font,
        brand_colours=brand_colours,
    )

    app.jinja_env.filters["tel"] = tel_href
    # Dates and times in the reader's language on the UK's clock (portal/core/dates.py).
    app.jinja_env.filters.update(
        full_date=dates.full_date,
        long_date=dates.long_date,
        clock_time=dates.clock_time,
        full_datetime=dates.full_datetime,
    )
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.globals["format_month"] = format_month

    @app.context_processor
    def current_service():
        return {"service": getattr(g, "service", None)}


def format_month(month: str) -> str:
    """'2026-12' as the month's name and year in the reader's language."""
    from datetime import date

    from flask_babel import format_date

    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMMM yyyy")


def tel_href(phone: str) -> str:
    """The dialable part of a published number, for `tel:` links ("0116 305 5875 or …")."""
    first = phone.split(" or ")[0]
    return "".join(ch for ch in first if ch.isdigit() or ch == "+")


def _init_cli(app: Flask) -> None:
    from portal.core.keys_cli import keys_cli
    from portal.core.outbox import outbox_cli
    from portal.demo.cli import demo_cli
    from portal.privacy.cli import retention_cli

    app.cli.add_command(keys_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(retention_cli)
