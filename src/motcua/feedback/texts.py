"""What the sender of a feedback item is told at each change of its status: an e-mail and a short
SMS, in plain polite Vietnamese whatever the officer's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from motcua.notifications.texts import Text, when

# Actions after which the sender is told something (drafts and the leader's send-back stay inside).
TOLD = frozenset({"send", "classify", "reject", "ask_more", "add_more", "forward", "approve", "publish", "reopen"})


def follow_url(item) -> str:
    from motcua.notifications import conf

    return f"{conf.site_url()}/phan-anh/theo-doi/{item.code}/"


def compose(item, action: str) -> Text | None:
    if action not in TOLD:
        return None
    with translation.override("vi"):
        return _compose(item, action)


def _compose(item, action: str) -> Text:
    v = {
        "code": item.code,
        "subject": item.subject,
        "agency": item.agency.name,
        "answer_due": when(item.answer_due_at),
        "reasons": item.reasons,
        "question": item.question,
        "answer": item.answer,
        "url": follow_url(item),
    }
    subject, lines, sms = _parts(item, action, v)
    greeting = _("Dear Mr/Ms %(name)s,") % {"name": item.sender_name} if item.sender_name else _("Dear sender,")
    footer = [
        _("Follow your feedback at %(url)s") % v,
        _("This message was sent automatically by the one-stop service system; please do not reply to it."),
    ]
    body = "\n\n".join([greeting, *lines, *footer]) + "\n"
    return Text(subject=f"[{item.code}] {subject}", body=body, sms=sms)


def _parts(item, action: str, v: dict) -> tuple[str, list[str], str]:
    if action == "send":
        return (
            _("Your feedback has been received"),
            [
                _("%(agency)s has received your feedback “%(subject)s”. Its code is %(code)s.") % v,
                _("You will receive an answer by %(answer_due)s.") % v,
            ],
            _("Feedback %(code)s received. Answer by %(answer_due)s. Follow it at %(url)s") % v,
        )
    if action == "classify":
        return (
            _("Your feedback is being handled"),
            [_("%(agency)s is handling your feedback “%(subject)s”.") % v],
            _("Feedback %(code)s is being handled by %(agency)s.") % v,
        )
    if action == "reject":
        return (
            _("Your feedback was not accepted"),
            [_("%(agency)s cannot handle your feedback “%(subject)s”.") % v, _("Reason: %(reasons)s") % v],
            _("Feedback %(code)s was not accepted. Reason: %(reasons)s") % v,
        )
    if action == "ask_more":
        return (
            _("We need more information about your feedback"),
            [
                _("To handle your feedback “%(subject)s”, %(agency)s asks you:") % v,
                v["question"],
                _("Please reply on the follow page with your code %(code)s.") % v,
            ],
            _("Feedback %(code)s: please add more information at %(url)s") % v,
        )
    if action == "add_more":
        return (
            _("Your additional information has been received"),
            [_("We have received what you added. The answer is now due by %(answer_due)s.") % v],
            _("Feedback %(code)s: your addition was received. Answer by %(answer_due)s.") % v,
        )
    if action == "forward":
        return (
            _("Your feedback has been sent to the competent agency"),
            [
                _("Your feedback “%(subject)s” is for %(agency)s to handle and has been sent to it.") % v,
                _("You will receive an answer by %(answer_due)s.") % v,
            ],
            _("Feedback %(code)s was sent to %(agency)s. Answer by %(answer_due)s.") % v,
        )
    if action == "approve":
        return (
            _("The answer to your feedback"),
            [_("%(agency)s answers your feedback “%(subject)s”:") % v, v["answer"]],
            _("Feedback %(code)s has been answered. Read the answer at %(url)s") % v,
        )
    if action == "publish":
        return (
            _("The answer to your feedback has been published"),
            [_("The answer to your feedback has been published on the portal, without your personal data.")],
            _("The answer to feedback %(code)s has been published.") % v,
        )
    # reopen
    return (
        _("Your feedback has been reopened"),
        [
            _("As you asked, your feedback “%(subject)s” goes back to the leader of %(agency)s.") % v,
            _("You will receive a new answer by %(answer_due)s.") % v,
        ],
        _("Feedback %(code)s reopened. New answer by %(answer_due)s.") % v,
    )
