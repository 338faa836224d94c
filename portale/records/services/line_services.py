"""A line's services: over/extra bundle flags, network services, RIF profile, IMEI blocks."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Contract,
    Device,
    Line,
    LineState,
    NetworkCategory,
    RifProfile,
)
from ._common import RecordError, _locked_line

# --- Over/extra bundle (F-7.3.5, G-23) -------------------------------------------------------

BUNDLE_FLAGS = ("extra_bundle", "over_bundle_national", "over_bundle_extra_eu")
# G-23: the flags a line may change, by the category of its tariff plan (M2M: none).
BUNDLE_FLAGS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "CONSUMO": ("over_bundle_extra_eu",),
    "PACCHETTO": BUNDLE_FLAGS,
    "RICARICABILE": BUNDLE_FLAGS,
    "M2M": (),
}

# G-23: the setting a line gets at activation, by tariff type. Rating refuses the traffic
# beyond the bundle that a disabled flag does not allow (``rating.services.refusal``), so
# the defaults keep a PA line working when its bundle ends: every flag on, except the
# extra-UE roaming of a rechargeable line, which the guide warns can leave the credit
# negative and stop next month's package (the ROA enables it on the lines that travel).
# Subscription lines' extra-UE data is watched by the 50 EUR roaming threshold (G-33)
# instead. M2M lines have no flags (never refused on them).
BUNDLE_DEFAULTS: dict[str, dict[str, bool]] = {
    "CONSUMO": dict.fromkeys(BUNDLE_FLAGS, True),
    "PACCHETTO": dict.fromkeys(BUNDLE_FLAGS, True),
    "RICARICABILE": {
        "extra_bundle": True,
        "over_bundle_national": True,
        "over_bundle_extra_eu": False,
    },
    "M2M": dict.fromkeys(BUNDLE_FLAGS, False),
}


def bundle_defaults(category: str) -> dict[str, bool]:
    """The over/extra bundle flags a new line of this tariff category starts with."""
    return dict(BUNDLE_DEFAULTS.get(category, dict.fromkeys(BUNDLE_FLAGS, True)))


@transaction.atomic
def lines_set_bundle_flags(*, contract: Contract, changes: list[dict]) -> int:
    """Abilitazione over/extra bundle on many lines at once: each change is ``{"line_id",
    <flag>: bool, ...}`` (a flag left out stays as it is). Every line must be a live line of
    the contract whose tariff type allows those flags (G-23), or nothing changes."""
    by_id = {c["line_id"]: c for c in changes}
    if len(by_id) != len(changes):
        raise RecordError(_("La stessa linea compare due volte nella richiesta."))
    lines = []
    ids = list(by_id)
    for start in range(0, len(ids), 5000):
        lines += list(
            Line.objects.select_for_update(of=("self",))
            .select_related("tariff_plan")
            .filter(contract=contract, pk__in=ids[start : start + 5000])
        )
    if len(lines) != len(ids):
        raise RecordError(_("Alcune linee non sono più presenti sul contratto."))
    for line in lines:
        if line.state == LineState.CEASED:
            raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
        allowed = BUNDLE_FLAGS_BY_CATEGORY.get(line.tariff_plan.category, ())
        for flag, value in by_id[line.pk].items():
            if flag == "line_id":
                continue
            if flag not in allowed:
                raise RecordError(
                    _("La linea %(msisdn)s non consente di modificare %(flag)s.")
                    % {"msisdn": line.msisdn, "flag": flag}
                )
            setattr(line, flag, bool(value))
    Line.objects.bulk_update(lines, list(BUNDLE_FLAGS), batch_size=1000)
    return len(lines)


# --- Servizi di rete and profilo RIF (F-7.3.9, F-7.3.10, G-27) --------------------------------


@transaction.atomic
def line_set_blocked_categories(*, contract: Contract, line_id: int, codes: list[str]) -> Line:
    """Gestione servizi di Rete: exactly ``codes`` are blocked on the subscription line
    afterwards; rating refuses the traffic of a blocked category."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.tariff_plan.is_prepaid or line.state == LineState.CEASED:
        raise RecordError(
            _("La linea %(m)s non è una linea in abbonamento attiva.") % {"m": line.msisdn}
        )
    categories = list(NetworkCategory.objects.filter(code__in=set(codes)))
    unknown = set(codes) - {c.code for c in categories}
    if unknown:
        raise RecordError(
            _("Direttrici sconosciute: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    line.blocked_categories.set(categories)
    return line


@transaction.atomic
def line_set_rif_profile(*, contract: Contract, line_id: int, code: str) -> Line:
    """Gestione profilo RIF: the line's Rete Intelligente Flessibile profile."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(m)s è cessata.") % {"m": line.msisdn})
    profile = RifProfile.objects.filter(code=code).first()
    if profile is None:
        raise RecordError(_("Profilo RIF sconosciuto: %(code)s.") % {"code": code})
    line.rif_profile = profile
    line.save(update_fields=["rif_profile"])
    return line


# --- Blocco IMEI (F-7.3.13) --------------------------------------------------------------------


@transaction.atomic
def device_block(*, contract: Contract, imei: str) -> Device | None:
    """Blocco IMEI: the contract's device with this IMEI is BLOCCATO. An IMEI that is not in
    the contract's inventory (a device bought elsewhere) is blocked on the network only:
    there is no device record to change, and ``None`` is returned."""
    device = Device.objects.select_for_update().filter(contract=contract, imei=imei).first()
    if device is None:
        return None
    if device.state == Device.State.CEASED:
        raise RecordError(_("L'apparato %(imei)s è cessato.") % {"imei": imei})
    if device.state != Device.State.BLOCKED:
        device.state = Device.State.BLOCKED
        device.save(update_fields=["state"])
    return device
