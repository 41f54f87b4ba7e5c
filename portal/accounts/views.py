"""Thin routes for accounts: form in, one service call, flash, redirect."""

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import bp, services
from portal.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignInForm,
    SignOutForm,
)
from portal.accounts.models import Role, TokenPurpose
from portal.core import security_log
from portal.core.access import signed_in
from portal.core.extensions import limiter
from portal.core.urls import safe_next


def attempts_limit() -> str:
    """The limit on attempts per client, from the configuration."""
    return current_app.config["AUTH_ATTEMPTS_LIMIT"]


def _home_for(user) -> str:
    if user.is_staff:
        return url_for("staff.home")
    return url_for("accounts.your_account")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def sign_in():
    """Sign in with email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(g.service, form.email.data, form.password.data)
        if user is None or not user.is_active:
            if user is not None:
                security_log.record("sign_in.failed", user, reason="account disabled")
            form.email.errors.append(_("Enter the email address and password for your account"))
        elif user.email_confirmed_at is None:
            security_log.record("sign_in.failed", user, reason="email not confirmed")
            services.resend_confirmation(g.service, user.email, str(get_locale()))
            session["check_email"] = user.email
            return redirect(url_for("accounts.check_your_email"))
        else:
            services.start_session(user)
            security_log.record("sign_in.succeeded", user)
            return redirect(safe_next(request.args.get("next"), _home_for(user)))
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """Sign out here and everywhere else."""
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    flash(_("You have signed out."))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def register():
    """A prospective foster carer creates an account."""
    form = RegisterForm()
    if form.validate_on_submit():
        services.register_prospective_carer(
            g.service,
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            locale=str(get_locale()),
        )
        session["check_email"] = form.email.data
        return redirect(url_for("accounts.check_your_email"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/check-your-email")
def check_your_email():
    """What to do next after registering."""
    return render_template("accounts/check_your_email.html", email=session.get("check_email"))


@bp.get("/confirm-email/<token>")
def confirm_email(token: str):
    """Confirm an address from the emailed link."""
    user = services.confirm_email(g.service, token)
    if user is None:
        return render_template("accounts/link_not_valid.html", purpose="confirm"), 404
    flash(_("Your email address is confirmed. You can now sign in."))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/confirm-email", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def confirm_email_needed():
    """Ask for a new confirmation link."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        services.resend_confirmation(g.service, form.email.data, str(get_locale()))
        session["check_email"] = form.email.data
        return redirect(url_for("accounts.check_your_email"))
    return render_template("accounts/confirm_email_needed.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def forgot_password():
    """Ask for a password reset link."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(g.service, form.email.data, str(get_locale()))
        session["check_email"] = form.email.data
        return redirect(url_for("accounts.reset_link_sent"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.get("/forgot-password/check-your-email")
def reset_link_sent():
    """The reset link is on its way (whether or not the address has an account)."""
    return render_template("accounts/reset_link_sent.html", email=session.get("check_email"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from the emailed link."""
    if services.find_token(g.service, token, TokenPurpose.RESET_PASSWORD) is None:
        return render_template("accounts/link_not_valid.html", purpose="reset"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if services.reset_password(g.service, token, form.password.data) is None:
            return render_template("accounts/link_not_valid.html", purpose="reset"), 404
        flash(_("Your password has been changed. Sign in with your new password."))
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(attempts_limit, methods=["POST"])
def accept_invitation(token: str):
    """An invited person sets up their account."""
    invitation = services.find_token(g.service, token, TokenPurpose.INVITATION)
    if invitation is None:
        return render_template("accounts/link_not_valid.html", purpose="invitation"), 404
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.user.name
    if form.validate_on_submit():
        user = services.accept_invitation(
            g.service,
            token,
            name=form.name.data,
            password=form.password.data,
            locale=str(get_locale()),
        )
        if user is None:
            return render_template("accounts/link_not_valid.html", purpose="invitation"), 404
        services.start_session(user)
        flash(_("Your account is ready."))
        return redirect(_home_for(user))
    return render_template(
        "accounts/accept_invitation.html", form=form, email=invitation.user.email
    )


@bp.get("/account")
@signed_in
def your_account():
    """The signed-in person's account."""
    return render_template(
        "accounts/your_account.html",
        is_applicant=current_user.has_role(Role.PROSPECTIVE_CARER),
    )


@bp.route("/account/change-password", methods=["GET", "POST"])
@signed_in
@limiter.limit(attempts_limit, methods=["POST"])
def change_password():
    """Change the password; every other session ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(user, form.current_password.data, form.new_password.data):
            services.start_session(user)
            flash(_("Your password has been changed. You have been signed out everywhere else."))
            return redirect(url_for("accounts.your_account"))
        form.current_password.errors.append(_("Your current password is not right"))
    return render_template("accounts/change_password.html", form=form)


@bp.app_context_processor
def sign_out_form():
    """Every page's header can sign out (emails rendered outside a request need none).
    It never reads the posted form: an error page for a body too large to read renders too."""
    return {"sign_out_form": SignOutForm(formdata=None)} if has_request_context() else {}


@bp.after_request
def never_cache(response):
    """Account pages carry personal data or single-use links: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
