"""Scope cases of the Assistenza URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from portale.support.models import Manual


def manual_pdf(env):
    shown = Manual(title="Guida al Portale")
    shown.file.save("guida.pdf", ContentFile(b"%PDF-1.4 guida"), save=True)
    hidden = Manual(title="Bozza", published=False)
    hidden.file.save("bozza.pdf", ContentFile(b"%PDF-1.4 bozza"), save=True)
    return {"user": env.users["ROA"], "own": {"pk": shown.pk}, "foreign": {"pk": hidden.pk}}


def _open_chat(user):
    from portale.support.models import ChatSession

    return ChatSession.objects.filter(user=user, ended_at__isnull=True).first() or (
        ChatSession.objects.create(user=user)
    )


def chat(env):
    own = _open_chat(env.users["ROA"])
    foreign = _open_chat(env.users["MAN"])  # another user's chat
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def staff_chat(env):
    own = _open_chat(env.users["ROA"])
    return {"user": env.users["STAFF"], "own": {"pk": own.pk}, "foreign": {"pk": own.pk + 1000}}


SCOPE_CASES = {
    "support:manual_pdf": manual_pdf,
    "support:chat_messages": chat,
    "support:chat_send": chat,
    "support:chat_end": chat,
    "backoffice:chat": staff_chat,
    "backoffice:chat_messages": staff_chat,
    "backoffice:chat_send": staff_chat,
}
