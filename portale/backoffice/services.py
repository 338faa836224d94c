"""Back-office staff rights: one group carries what the operator's staff may do in the admin.

The console pages are guarded by the capability registry (``backoffice.queue``, any staff
user); the Django admin, where staff publish news and documents and read the registers,
needs model permissions, given here to the "Operatori back office" group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

OPERATOR_GROUP = "Operatori back office"

# app label → (actions on every model of the app, or {model: actions})
OPERATOR_RIGHTS: dict[str, dict[str, tuple[str, ...]] | tuple[str, ...]] = {
    "public": ("view", "add", "change", "delete"),  # news and documents (G-41)
    "records": ("view",),  # systems of record: changed only by fulfilment
    "cases": ("view",),  # worked from the console
    "accounts": {"user": ("view",), "securityevent": ("view",)},  # audit log (read-only)
    "core": {"outboxmessage": ("view",)},
    "rating": ("view",),
    "support": {"manual": ("view", "add", "change", "delete"), "callbackrequest": ("view",)},
    "billing": ("view", "change"),  # e-invoices: codes, retry blocked, re-issue rejected
}


def _permissions() -> list[Permission]:
    perms = []
    for app_label, rights in OPERATOR_RIGHTS.items():
        qs = Permission.objects.filter(content_type__app_label=app_label)
        if isinstance(rights, dict):
            for model, actions in rights.items():
                codenames = [f"{a}_{model}" for a in actions]
                perms += qs.filter(content_type__model=model, codename__in=codenames)
        else:
            perms += [p for p in qs if p.codename.split("_", 1)[0] in rights]
    return perms


@transaction.atomic
def operator_group_ensure() -> Group:
    """Create or refresh the group with exactly the rights above (idempotent)."""
    group, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    group.permissions.set(_permissions())
    return group


@transaction.atomic
def operator_grant(*, user) -> None:
    """Make a user back-office staff: console access and the group's admin rights."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(operator_group_ensure())


@transaction.atomic
def case_file_for_customer(
    *,
    operator,
    contract,
    operation: str,
    data,
    files=None,
    line=None,
    channel: str,
    notes: str,
    token: str,
):
    """ "Apri pratica per conto del cliente": the operation's parameters as the operator
    typed them, filed through ``case_file`` like every channel (the operation's form
    validates them; fulfilment then carries out the effect as for the customer's own
    request). The pratica records the channel and the operator (``filed_by``).

    ``token`` is the page's: a second submit of the same page (a double click, a reload)
    returns the pratica already filed (``case_file``'s idempotency key).
    """
    from portale.cases import services as case_services

    return case_services.case_file(
        operation=operation,
        actor=operator,
        contract=contract,
        payload=data,
        files=files,
        line=line,
        channel=channel,
        notes=notes,
        idempotency_key=f"bo:{operator.pk}:{token}"[:64],
    )
