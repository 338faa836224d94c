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


def ticket(env):
    from portale.cases import services
    from portale.records.tests import factories as f

    def open_ticket(contract):
        user = env.users["ROA"] if contract == env.contract else None
        device = f.DeviceFactory(contract=contract)
        point = f.ServicePointFactory()
        payload = {
            "device": str(device.pk),
            "problem": "FURTO",
            "description": "Rubato",
            "delivery": "PDA",
            "service_point": str(point.pk),
        }
        return services.case_file(
            operation="device_support", actor=user, contract=contract, payload=payload
        )

    own, foreign = open_ticket(env.contract), open_ticket(env.other_contract)
    return {
        "user": env.users["ROA"],
        "own": {"number": own.number},
        "foreign": {"number": foreign.number},
    }


def staff_ticket(env):
    from portale.support.models import Ticket

    ticket(env)
    pk = Ticket.objects.latest("pk").pk
    return {"user": env.users["STAFF"], "own": {"pk": pk}, "foreign": {"pk": pk + 10_000}}


SCOPE_CASES = {
    "support:ticket": ticket,
    "backoffice:ticket_step": staff_ticket,
    "support:manual_pdf": manual_pdf,
    "support:chat_messages": chat,
    "support:chat_send": chat,
    "support:chat_end": chat,
    "backoffice:chat": staff_chat,
    "backoffice:chat_messages": staff_chat,
    "backoffice:chat_send": staff_chat,
}
