"""Children's Rights routes: young people's pages and the officers' queue."""

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts import drafts
from portal.accounts.drafts import keeps_drafts, restore_into
from portal.childrens_rights import bp, services
from portal.childrens_rights.forms import (
    FEELINGS,
    ActionForm,
    AssignForm,
    OfficerReplyForm,
    ReplyForm,
    TalkForm,
    UnlockForm,
)
from portal.core import keys
from portal.core.access import only_for
from portal.core.attempts import per_client_and, reference_key
from portal.core.db import utcnow

OPEN_THREAD = "rights_thread"  # session key: {service slug: conversation id}
JUST_SENT = "rights_sent"


def _remember_thread(conversation) -> None:
    keys.remember_opened(OPEN_THREAD, conversation.id)


def _open_thread():
    return services.conversation_for(g.service, keys.opened_id(OPEN_THREAD))


def _thread_being_read() -> dict:
    """Which conversation a reply kept at a session's end belongs to."""
    return {"conversation": keys.opened_id(OPEN_THREAD)}


@bp.route("/young-people/talk", methods=["GET", "POST"])
@keeps_drafts("body", "name", "age", "how_to_reach", "safe_times")
def talk():
    """Write to a Children's Rights Officer, with or without an account."""
    form = TalkForm()
    feeling = FEELINGS.get(request.args.get("feeling", ""))
    # What they wrote before their session ended comes back to check and send.
    restored = restore_into(form)
    if request.method == "GET" and feeling and not restored:
        form.body.data = str(feeling[2]) + " "  # the feelings picker starts the message
    if form.validate_on_submit():
        conversation, phrase = services.start_conversation(
            g.service,
            body=form.body.data,
            name=form.name.data or "",
            age=form.age.data,
            how_to_reach=form.how_to_reach.data or "",
            safe_times=form.safe_times.data or "",
            locale=str(get_locale()),
            now=utcnow(),
            user_id=current_user.id if current_user.is_authenticated else None,
        )
        # The phrase is shown once, on the next page; it never goes in a URL.
        session[JUST_SENT] = {
            "service": g.service.slug,
            "reference": conversation.reference,
            "phrase": phrase,
            "urgent": conversation.is_urgent,
        }
        _remember_thread(conversation)
        return redirect(url_for("childrens_rights.message_sent"))
    return render_template("childrens_rights/talk.html", form=form, feelings=FEELINGS)


@bp.get("/young-people/talk/sent")
def message_sent():
    """The reference and secret words to come back with, and help now if it is urgent."""
    sent = session.get(JUST_SENT)
    if not sent or sent.get("service") != g.service.slug:
        return redirect(url_for("childrens_rights.talk"))
    return render_template("childrens_rights/message_sent.html", sent=sent)


@bp.route("/young-people/messages", methods=["GET", "POST"])
@per_client_and(reference_key)
def open_messages():
    """Come back with the reference and secret words."""
    form = UnlockForm()
    if form.validate_on_submit():
        conversation = services.find_conversation(g.service, form.reference.data, form.phrase.data)
        if conversation is None:
            # One message for both: never say which half was wrong.
            form.reference.errors.append(
                _(
                    "We could not find messages with that reference and those secret words. "
                    "Check both and try again."
                )
            )
        else:
            _remember_thread(conversation)
            return redirect(url_for("childrens_rights.thread"))
    mine = (
        services.conversations_of(g.service, current_user) if current_user.is_authenticated else []
    )
    return render_template(
        "childrens_rights/open_messages.html", form=form, mine=mine, open_form=ActionForm()
    )


@bp.post("/young-people/messages/mine/<int:conversation_id>")
def open_my_conversation(conversation_id: int):
    """A signed-in young person opens one of their own conversations without the words."""
    conversation = services.conversation_for(g.service, conversation_id)
    if (
        not current_user.is_authenticated
        or conversation is None
        or conversation.user_id != current_user.id
        or not ActionForm().validate_on_submit()
    ):
        abort(404)
    _remember_thread(conversation)
    return redirect(url_for("childrens_rights.thread"))


def _reopen_for_kept_reply():
    """After signing in again, the conversation a kept reply belongs to, if it is the
    person's own; one they opened with their words needs the words again."""
    if not current_user.is_authenticated:
        return None
    context = drafts.kept_context(current_user._get_current_object(), request.endpoint)
    if context is None:
        return None
    conversation = services.conversation_for(g.service, context.get("conversation"))
    if conversation is None or conversation.user_id != current_user.id:
        flash(
            _(
                "Open your messages again with your reference and secret words. "
                "Your reply is kept for you."
            )
        )
        return None
    _remember_thread(conversation)
    return conversation


@bp.route("/young-people/messages/thread", methods=["GET", "POST"])
@keeps_drafts("body", context=_thread_being_read)
def thread():
    """Read replies and answer."""
    conversation = _open_thread()
    if conversation is None and request.method == "GET":
        conversation = _reopen_for_kept_reply()
    if conversation is None:
        return redirect(url_for("childrens_rights.open_messages"))
    form = ReplyForm()
    restore_into(form, wanted=lambda context: context.get("conversation") == conversation.id)
    if form.validate_on_submit():
        services.young_person_replies(conversation, form.body.data, utcnow())
        flash(_("Your message has been sent."))
        return redirect(url_for("childrens_rights.thread"))
    return render_template("childrens_rights/thread.html", conversation=conversation, form=form)


@bp.post("/young-people/messages/close")
def forget_thread():
    """Stop showing the messages on this device."""
    keys.forget_opened(OPEN_THREAD)
    session.pop(JUST_SENT, None)
    flash(_("Your messages are hidden on this device."))
    return redirect(url_for("pages.young_people"))


# ---- officers --------------------------------------------------------------------------


def _conversation_or_404(conversation_id: int):
    conversation = services.conversation_for(g.service, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@bp.get("/staff/childrens-rights")
@only_for(*services.OFFICER_ROLES)
def staff_queue():
    """Open conversations, urgent first."""
    return render_template("childrens_rights/staff_queue.html", queue=services.queue(g.service))


@bp.route("/staff/childrens-rights/<int:conversation_id>", methods=["GET", "POST"])
@keeps_drafts("body")
@only_for(*services.OFFICER_ROLES)
def staff_conversation(conversation_id: int):
    """One conversation: read, reply, assign, close or reopen."""
    conversation = _conversation_or_404(conversation_id)
    form = OfficerReplyForm()
    restore_into(form, wanted=lambda context: context.get("path") == request.path)
    if form.validate_on_submit():
        services.officer_replies(conversation, current_user, form.body.data, utcnow())
        flash(_("Reply sent. The young person reads it with their reference."))
        return redirect(
            url_for("childrens_rights.staff_conversation", conversation_id=conversation.id)
        )
    services.record_view(conversation, current_user)
    assign_form = AssignForm(formdata=None)
    assign_form.officer.choices = [
        SelectChoice(str(o.id), o.name) for o in services.officers_of(g.service)
    ]
    assign_form.officer.data = str(conversation.assigned_to_id or "")
    return render_template(
        "childrens_rights/staff_conversation.html",
        conversation=conversation,
        form=form,
        assign_form=assign_form,
        action_form=ActionForm(formdata=None),
    )


@bp.post("/staff/childrens-rights/<int:conversation_id>/assign")
@only_for(*services.OFFICER_ROLES)
def assign_conversation(conversation_id: int):
    """Make an officer responsible."""
    conversation = _conversation_or_404(conversation_id)
    form = AssignForm()
    officers = {str(o.id): o for o in services.officers_of(g.service)}
    form.officer.choices = [SelectChoice(key, o.name) for key, o in officers.items()]
    if form.validate_on_submit():
        services.assign(conversation, officers[form.officer.data], by=current_user)
        flash(_("Conversation assigned."))
    return redirect(url_for("childrens_rights.staff_conversation", conversation_id=conversation.id))


@bp.post("/staff/childrens-rights/<int:conversation_id>/close")
@only_for(*services.OFFICER_ROLES)
def close_conversation(conversation_id: int):
    """Take a conversation out of the queue."""
    conversation = _conversation_or_404(conversation_id)
    if ActionForm().validate_on_submit():
        services.close(conversation, by=current_user, now=utcnow())
        flash(_("Conversation closed. It reopens if the young person writes again."))
    return redirect(url_for("childrens_rights.staff_queue"))


@bp.post("/staff/childrens-rights/<int:conversation_id>/reopen")
@only_for(*services.OFFICER_ROLES)
def reopen_conversation(conversation_id: int):
    """Put a conversation back in the queue."""
    conversation = _conversation_or_404(conversation_id)
    if ActionForm().validate_on_submit():
        services.reopen(conversation, by=current_user)
        flash(_("Conversation reopened."))
    return redirect(url_for("childrens_rights.staff_conversation", conversation_id=conversation.id))


@bp.after_request
def never_cache(response):
    """Young people's messages must not stay in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
