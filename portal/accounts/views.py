"""Thin routes for accounts: form in, one service call, flash, redirect."""

import math
from functools import wraps

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.accounts import bp, drafts, mfa, services
from portal.accounts.forms import (
    AcceptInvitationForm,
    ActionForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmItIsYouForm,
    ForgotPasswordForm,
    RecoveryCodeForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SetUpCodeForm,
    SignInCodeForm,
    SignInForm,
    SignOutForm,
)
from portal.accounts.models import Role, TokenPurpose
from portal.core import security_log
from portal.core.access import signed_in
from portal.core.attempts import account_key, link_key, per_client_and
from portal.core.text import normalise_email
from portal.core.urls import safe_next


def signing_in_key() -> str:
    """Code attempts count against the account waiting for its code (or the signed-in
    account confirming it is them)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    pending = session.get(mfa.PENDING_KEY)
    if isinstance(pending, dict) and pending.get("user"):
        return "user:" + str(pending["user"]).partition(":")[0]
    return get_remote_address()


def confirmed_recently(view):
    """Security changes need the password (and code) given in the last few minutes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not mfa.recently_confirmed():
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("accounts.confirm_it_is_you", next=target))
        return view(*args, **kwargs)

    return wrapper


def _home_for(user) -> str:
    if user.is_staff:
        return url_for("staff.home")
    return url_for("accounts.your_account")


@bp.route("/sign-in", methods=["GET", "POST"])
@per_client_and(account_key)
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
        elif user.uses_mfa or user.must_use_mfa:
            mfa.begin_pending(user, safe_next(request.args.get("next"), ""))
            security_log.record("sign_in.password_accepted", user)
            if user.uses_mfa:
                return redirect(url_for("accounts.sign_in_code"))
            return redirect(url_for("accounts.set_up_sign_in_code"))
        else:
            return _finish_sign_in(user, request.args.get("next"))
    return render_template("accounts/sign_in.html", form=form)


def _after_sign_in(user, next_url: str | None) -> str:
    """Where a sign-in leads: the page asked for, else a form whose writing was kept when
    the last session ended, else the person's home."""
    return safe_next(next_url or drafts.kept_path(user), _home_for(user))


def _finish_sign_in(user, next_url: str | None, method: str = "password"):
    services.start_session(user)
    mfa.mark_confirmed()
    security_log.record("sign_in.succeeded", user, method=method)
    return redirect(_after_sign_in(user, next_url))


def _code_errors(form, result) -> None:
    if result == mfa.CodeResult.USED:
        form.code.errors.append(
            _("That code has already been used. Wait for your app to show a new one")
        )
    else:
        form.code.errors.append(
            _("The code is not right. Check the app shows this service and try its newest code")
        )


def _sign_in_again():
    flash(_("Your sign-in timed out. Sign in again."))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@per_client_and(signing_in_key)
def sign_in_code():
    """The one-time code from the person's authenticator app, after their password."""
    user = mfa.pending_user()
    if user is None or not user.uses_mfa:
        return _sign_in_again()
    form = SignInCodeForm()
    if form.validate_on_submit():
        result = mfa.check_code(user, form.code.data)
        if result == mfa.CodeResult.ACCEPTED:
            return _finish_sign_in(user, mfa.pending_next(), method="code")
        security_log.record("mfa.failed", user, reason=result)
        _code_errors(form, result)
    return render_template("accounts/sign_in_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@per_client_and(signing_in_key)
def sign_in_recovery_code():
    """A recovery code instead of the app's code (a lost or new phone)."""
    user = mfa.pending_user()
    if user is None or not user.uses_mfa:
        return _sign_in_again()
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if mfa.use_recovery_code(user, form.code.data):
            response = _finish_sign_in(user, mfa.pending_next(), method="recovery code")
            flash(
                _(
                    "You signed in with a recovery code. You have %(count)s left: get new "
                    "codes, or set up your new phone, from Two-step sign-in in your account.",
                    count=mfa.recovery_codes_left(user),
                )
            )
            return response
        security_log.record("mfa.failed", user, reason="recovery code")
        form.code.errors.append(_("That recovery code is not right, or it has been used already"))
    return render_template("accounts/sign_in_recovery_code.html", form=form)


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@per_client_and(signing_in_key)
def set_up_sign_in_code():
    """Staff set up their authenticator app the first time they sign in."""
    user = mfa.pending_user()
    if user is None:
        return _sign_in_again()
    if user.uses_mfa:
        return redirect(url_for("accounts.sign_in_code"))
    return _set_up(user, signing_in=True)


def _set_up(user, *, signing_in: bool):
    secret = mfa.enrolment_secret()
    form = SetUpCodeForm()
    if form.validate_on_submit():
        result, codes = mfa.finish_enrolment(user, secret, form.code.data)
        if result == mfa.CodeResult.ACCEPTED:
            if signing_in:
                next_url = mfa.pending_next()
                services.start_session(user)
                mfa.mark_confirmed()
                security_log.record("sign_in.succeeded", user, method="code")
                continue_to = _after_sign_in(user, next_url)
            else:
                continue_to = url_for("accounts.two_step")
            return _show_recovery_codes(codes, continue_to)
        _code_errors(form, result)
    uri = mfa.provisioning_uri(user, secret)
    return render_template(
        "accounts/set_up_code.html",
        form=form,
        qr_code=mfa.qr_code(uri),
        secret=mfa.grouped(secret),
        email=user.email,
        signing_in=signing_in,
    )


def _show_recovery_codes(codes: list[str], continue_to: str):
    """Shown once, in answer to the POST that made them (so never in any cache or URL)."""
    return render_template("accounts/recovery_codes.html", codes=codes, continue_to=continue_to)


@bp.post("/sign-out")
def sign_out():
    """Sign out here and everywhere else; the browser is told to forget what it kept."""
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    flash(_("You have signed out."))
    response = redirect(url_for("accounts.sign_in"))
    # Cached pages and anything scripts stored. Not "cookies": the same response sets the
    # new, empty session cookie that carries the message above and the chosen language;
    # the old cookie is useless anyway, because its session token no longer matches.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/register", methods=["GET", "POST"])
@per_client_and(account_key)
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
@per_client_and(account_key)
def confirm_email_needed():
    """Ask for a new confirmation link."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        services.resend_confirmation(g.service, form.email.data, str(get_locale()))
        session["check_email"] = form.email.data
        return redirect(url_for("accounts.check_your_email"))
    return render_template("accounts/confirm_email_needed.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@per_client_and(account_key)
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
@per_client_and(link_key)
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
@per_client_and(link_key)
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
        if user.must_use_mfa:
            mfa.begin_pending(user, "")
            return redirect(url_for("accounts.set_up_sign_in_code"))
        services.start_session(user)
        mfa.mark_confirmed()
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
@confirmed_recently
@per_client_and(signing_in_key)
def change_password():
    """Change the password; every other session ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(user, form.current_password.data, form.new_password.data):
            services.start_session(user)
            mfa.mark_confirmed()
            flash(_("Your password has been changed. You have been signed out everywhere else."))
            return redirect(url_for("accounts.your_account"))
        form.current_password.errors.append(_("Your current password is not right"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/change-email", methods=["GET", "POST"])
@signed_in
@confirmed_recently
@per_client_and(signing_in_key)
def change_email():
    """Ask for a link at the new address; nothing changes until it is opened."""
    user = current_user._get_current_object()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if normalise_email(form.email.data) == user.email:
            form.email.errors.append(_("This is the address your account already uses"))
        else:
            services.request_email_change(user, form.email.data, str(get_locale()))
            session["check_email"] = normalise_email(form.email.data)
            return redirect(url_for("accounts.change_email_sent"))
    return render_template("accounts/change_email.html", form=form)


@bp.get("/account/change-email/check-your-email")
@signed_in
def change_email_sent():
    """The link is on its way to the new address."""
    return render_template("accounts/change_email_sent.html", email=session.get("check_email"))


@bp.get("/account/confirm-new-email/<token>")
def confirm_new_email(token: str):
    """The link from the new address: the account moves to it."""
    user = services.confirm_email_change(g.service, token)
    if user is None:
        return render_template("accounts/link_not_valid.html", purpose="change-email"), 404
    flash(_("Your email address has changed. Use it to sign in from now on."))
    return redirect(url_for("accounts.your_account"))


@bp.route("/account/confirm-it-is-you", methods=["GET", "POST"])
@signed_in
@per_client_and(signing_in_key)
def confirm_it_is_you():
    """Password (and code) again before changing how the person signs in."""
    user = current_user._get_current_object()
    form = ConfirmItIsYouForm()
    if form.validate_on_submit():
        problem = mfa.confirm_identity(user, form.password.data, form.code.data or "")
        if problem is None:
            return redirect(safe_next(request.args.get("next"), url_for("accounts.two_step")))
        if problem == "password":
            form.password.errors.append(_("Your password is not right"))
        elif problem == "no code":
            form.code.errors.append(_("Enter the 6-digit code from your authenticator app"))
        else:
            _code_errors(form, problem)
    return render_template("accounts/confirm_it_is_you.html", form=form, uses_mfa=user.uses_mfa)


@bp.get("/account/two-step-sign-in")
@signed_in
def two_step():
    """Whether the person signs in with a code, and what they can change about it."""
    user = current_user._get_current_object()
    return render_template(
        "accounts/two_step.html",
        codes_left=mfa.recovery_codes_left(user) if user.uses_mfa else 0,
    )


@bp.route("/account/two-step-sign-in/set-up", methods=["GET", "POST"])
@signed_in
@confirmed_recently
@per_client_and(signing_in_key)
def set_up_two_step():
    """Turn two-step sign-in on, or move it to a new phone."""
    return _set_up(current_user._get_current_object(), signing_in=False)


@bp.route("/account/two-step-sign-in/recovery-codes", methods=["GET", "POST"])
@signed_in
@confirmed_recently
def new_recovery_codes():
    """Replace every recovery code with ten new ones."""
    user = current_user._get_current_object()
    if not user.uses_mfa:
        return redirect(url_for("accounts.two_step"))
    form = ActionForm()
    form.submit.label.text = _("Get new recovery codes")
    if form.validate_on_submit():
        codes = mfa.replace_recovery_codes(user)
        return _show_recovery_codes(codes, url_for("accounts.two_step"))
    return render_template("accounts/new_recovery_codes.html", form=form)


@bp.route("/account/two-step-sign-in/turn-off", methods=["GET", "POST"])
@signed_in
@confirmed_recently
def turn_off_two_step():
    """Carers may stop using codes; staff may not."""
    user = current_user._get_current_object()
    if user.must_use_mfa or not user.uses_mfa:
        return redirect(url_for("accounts.two_step"))
    form = ActionForm()
    form.submit.label.text = _("Turn off two-step sign-in")
    if form.validate_on_submit():
        mfa.turn_off(user)
        flash(_("Two-step sign-in is off. You will sign in with your password only."))
        return redirect(url_for("accounts.two_step"))
    return render_template("accounts/turn_off_two_step.html", form=form)


@bp.post("/account/stay-signed-in")
@signed_in
def stay_signed_in():
    """'Stay signed in' in the timeout warning: the person is here, so the idle time starts
    again from now. Nothing to show: the page they are on stays as it is."""
    services.mark_seen(exactly=True)
    return "", 204


@bp.get("/account/session-time-left")
@signed_in
def session_time_left():
    """How long this session has left, for the timeout warning to check before it shows
    (the person may be busy in another tab). Asking never counts as doing something."""
    seconds, can_extend = services.session_time_left(current_user._get_current_object())
    # Rounded up: 0 only once the session is over, never a moment before.
    return jsonify(ends_in=math.ceil(seconds), can_extend=can_extend)


@bp.before_app_request
def end_stale_sessions():
    """Idle and absolute time limits; a poll from an open page is not the person acting.

    A form post that arrives just after the end keeps its writing for the person to send
    once they have signed in again (see drafts.py)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    if request.endpoint == "accounts.session_time_left":
        return None  # only reads the clocks: it neither ends the session nor extends it
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    reason = services.session_has_expired(user)
    if reason is None:
        if not request.headers.get("Portal-Poll"):
            services.mark_seen()
        return None
    kept = drafts.keep_posted(user)
    services.end_this_session()
    security_log.record("session.expired", user, reason=reason, kept_writing=bool(kept))
    if getattr(g, "service", None) is None:
        return None
    if kept:
        session[drafts.SESSION_KEY] = kept
        flash(
            _(
                "You were signed out to keep your account safe. What you wrote has not been "
                "sent, and it is not lost: sign in again to check it and send it."
            )
        )
        target = url_for("accounts.sign_in", next=request.path)
    else:
        flash(_("You were signed out to keep your account safe. Sign in again to carry on."))
        if request.endpoint == "accounts.sign_in":
            target = request.full_path.rstrip("?")  # the timeout warning sent them here
        elif request.method == "GET":
            target = url_for("accounts.sign_in", next=request.full_path.rstrip("?"))
        else:
            target = url_for("accounts.sign_in")
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


@bp.app_context_processor
def sign_out_form():
    """Every page's header can sign out (emails rendered outside a request need none).
    It never reads the posted form: an error page for a body too large to read renders too."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}  # no form, so no CSRF token and no cookie on anonymous pages
    return {"sign_out_form": SignOutForm(formdata=None)}


@bp.app_context_processor
def session_timeout():
    """What the timeout warning (static/js/timeout.mjs) needs on a signed-in page of the
    person's service (pages outside any service, like the list of services, have none)."""
    if (
        not has_request_context()
        or getattr(g, "service", None) is None
        or not current_user.is_authenticated
    ):
        return {}
    user = current_user._get_current_object()
    ends_in, can_extend = services.session_time_left(user)
    return {
        "session_timeout": {
            "idle_seconds": int(services.idle_seconds(user)),
            "warning_seconds": current_app.config["SESSION_WARNING_SECONDS"],
            "ends_in": math.ceil(ends_in),
            "can_extend": can_extend,
            "keeps_drafts": bool(drafts.fields_kept_by(request.endpoint)),
        }
    }


@bp.after_request
def never_cache(response):
    """Account pages carry personal data or single-use links: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
