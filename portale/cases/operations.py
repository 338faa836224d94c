"""The operation registry (DESIGN §5.3, FEATURES F-10 / Appendix 1).

Every dispositive operation of the guide is declared here once, one row per line like
Appendix 1: its code, the guide's paragraph, the "Descrizione Pratica" (verbatim: it is the
"Tipo pratica" shown upper-cased in "Storico pratiche"), whether it also makes an ordine, and
the capability whose profiles may file it (``portale.core.capabilities``, condition included).

The app that owns an operation implements it in its own ``operations.py`` (autodiscovered
when the apps are ready, like ``admin.py``)::

    # portale/sim/operations.py
    from portale.cases.operations import Upload, implement
    from portale.records import services as records

    def apply_sim_change(case) -> None:          # fulfilment runs it when the pratica closes
        records.sim_replace(line_id=case.payload["line_id"], new_iccid=...)

    implement(
        "sim_change",
        form=SimChangeForm,                      # an OperationForm: validates every channel's input
        effect=apply_sim_change,                 # writes the records through records.services
        conflict_key=lambda p: f"line:{p['line_id']}",  # G-10: one open pratica per object
        summary=lambda p: [("ICCID", p["old_iccid"], p["new_iccid"])],  # "Conferma dei dati" rows
        ships=True,                              # the ordine carries a shipment
        uploads=[Upload("denuncia", "Copia denuncia di furto/smarrimento")],  # P-09 documents
    )

An operation no app implements is *declared but not fileable*: the wizard and ``case_file``
refuse it (no fake success). One implemented with ``effect=None`` is a request a person
works (Scrivici, technical assistance): filed, it waits in the back office queue. The back
office can also open any declared operation on a customer's behalf, to be worked by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from portale.core import capabilities
from portale.core.capabilities import Profile

if TYPE_CHECKING:
    from portale.core.context import PortalContext
    from portale.records.models import Contract, Line


@dataclass(frozen=True)
class Upload:
    """A document the user must upload with the request (P-09, F-7.3.13).

    ``code`` names the form field (``documento_<code>``) and the attachment's kind; ``label``
    is the guide's wording ("Copia denuncia di furto/smarrimento").
    """

    code: str
    label: str
    required: bool = True


@dataclass
class Operation:
    code: str
    label: str  # "Operazione" column of Appendix 1
    section: str  # the guide's paragraph
    description: str  # "Descrizione Pratica", verbatim
    makes_order: bool
    capability: str  # the capability whose profiles may file it
    # Hooks, registered by the owning app (see ``implement``).
    form: type | None = None
    effect: Callable[[Any], None] | None = field(default=None, repr=False)
    conflict_key: Callable[[dict], str] | None = field(default=None, repr=False)
    # What the conflicting object is, for the G-10 message, when it is neither a line nor
    # the contract (e.g. "l'apparato con IMEI …"): from the open pratica's parameters.
    conflict_subject: Callable[[dict], str] | None = field(default=None, repr=False)
    summary: Callable[[dict], list[tuple[str, str, str]]] | None = field(default=None, repr=False)
    ships: bool = False
    uploads: tuple[Upload, ...] = ()
    # The owning app's own record made with the pratica, in the filing transaction (e.g. the
    # all-risk ticket), and the page that follows it (linked from "Storico pratiche").
    on_file: Callable[[Any], None] | None = field(default=None, repr=False)
    detail_url: Callable[[Any], str] | None = field(default=None, repr=False)
    # Worked by a person although it has an effect (the effect runs when the back office
    # closes it, e.g. the hot-stock shipment), and what happens when its goods are delivered.
    manual: bool = False
    on_delivered: Callable[[Any], None] | None = field(default=None, repr=False)
    # Operations sharing a group conflict with each other on the same object (G-52: one
    # TIM TUO option request per line, whatever the family); default: the "Tipo pratica".
    conflict_group: str = ""
    # How long an open pratica holds its object's lock (G-52: 24 h for the TIM TUO options,
    # in case the back-end never reflects it); None: until it is closed or rejected.
    conflict_timeout: datetime.timedelta | None = None

    @property
    def profiles(self) -> frozenset[Profile]:
        return capabilities.get(self.capability).profiles

    @property
    def implemented(self) -> bool:
        """Fileable: the owning app declared the form that validates its parameters."""
        return self.form is not None

    def lock_cutoff(self) -> datetime.datetime | None:
        """Open pratiche of this operation opened before this no longer hold their object
        (``conflict_timeout``, G-52); None when the lock lasts until they are closed."""
        if self.conflict_timeout is None:
            return None
        return timezone.now() - self.conflict_timeout

    @property
    def automatic(self) -> bool:
        """Carried out by the fulfilment engine; without an effect a person works it (e.g. a
        call-back request to Customer Service) from the back office queue; a ``manual`` one
        waits for a person too, and its effect runs when the back office closes it."""
        return self.effect is not None and not self.manual

    @property
    def type_label(self) -> str:
        """ "Tipo pratica" as the history shows it (upper case, F-7.3.1)."""
        return self.description.upper()

    def allows(self, ctx: PortalContext) -> bool:
        """Who may file it: exactly the capability's rule (profiles and condition)."""
        return capabilities.get(self.capability).allows(ctx)

    def bind(
        self,
        data=None,
        files=None,
        *,
        contract: Contract,
        actor=None,
        line: Line | None = None,
        **kwargs,
    ):
        """The operation's parameters form, bound to raw input and scoped to a contract."""
        if self.form is None:
            raise LookupError(f"operation {self.code} has no form")
        return self.form(
            data, files, operation=self.code, contract=contract, actor=actor, line=line, **kwargs
        )

    def summary_rows(self, payload: dict) -> list[tuple[str, str, str]]:
        if not payload:  # opened by hand, without parameters
            return []
        if self.summary is None:
            return [(str(k), "", str(v)) for k, v in payload.items()]
        return self.summary(payload)

    def object_key(self, payload: dict) -> str:
        return self.conflict_key(payload) if self.conflict_key else ""


def _op(code, label, section, description, makes_order, capability) -> Operation:
    return Operation(code, label, section, description, makes_order, capability)


# One row per line of Appendix 1, in the guide's order, plus the employee's SIM change (G-53):
# code, "Operazione", paragraph, "Descrizione Pratica" (verbatim), ordine, capability.
# fmt: off
_DECLARED: list[Operation] = [
    _op("referent_replace", "Sostituzione referente", "7.1.2", "Referenti", False, "company.referents"),
    _op("referent_contacts", "Modifica contatti referente", "7.1.2", "Referenti", False, "company.referents"),
    _op("invoice_address", "Modifica indirizzo di spedizione della fattura aziendale", "7.1.3", "Modifica recapito rendiconto", False, "company.addresses"),
    _op("docs_address", "Modifica indirizzo di spedizione della documentazione del traffico", "7.1.3", "Modifica recapito doc traffico", False, "company.addresses"),
    _op("recharge_confirm", "Conferma ricarica automatica aziendale", "7.3.3", "Conferma ricarica aziendale", True, "sim.recharge_mode"),
    _op("recharge_waive", "Rinuncia ricarica automatica aziendale", "7.3.3", "Rinuncia ricarica aziendale", True, "sim.recharge_mode"),
    _op("company_recharge", "Ricarica credito aziendale", "7.3.4", "Richiesta ricarica aziendale", True, "sim.company_recharge"),
    _op("bundle_flags", "Modifica abilitazione over bundle / extra bundle", "7.3.5", "Modif abilit over-ext bundle", True, "sim.bundle_flags"),
    _op("deferred_activation", "Attivazione differita SIM", "7.3.6", "Attivazione differita SIM", False, "sim.deferred_activation"),
    _op("sim_block", "Blocco carta SIM", "7.3.7", "Furto/Smarrimento SIM", True, "sim.block"),
    _op("sim_unblock", "Sblocco carta SIM", "7.3.7", "Ritrovamento SIM", True, "sim.block"),
    _op("sim_change", "Cambio carta SIM", "7.3.8", "Cambio SIM", True, "sim.change"),
    _op("network_services", "Gestione servizi di rete", "7.3.9", "Servizi di rete", False, "sim.network_services"),
    _op("rif_profile", "Gestione profilo Rif", "7.3.10", "Servizio RIF", False, "sim.rif_profile"),
    _op("hot_stock", "Reintegro scorta calda di SIM", "7.3.11", "Scorta calda SIM", False, "sim.hot_stock"),
    _op("imei_block", "Blocco IMEI", "7.3.13", "Blocco Imei", False, "sim.imei_block"),
    _op("dual_enable", "Abilitazione al servizio TIM TUO", "7.4.5", "Attivazione TIM TUO Azienda", True, "billing.dual_enable"),
    _op("dual_options", "Attiva Opzioni TIM TUO", "7.4.6", "Attivazione opzioni TIM TUO", True, "billing.dual_options"),
    _op("dual_disable_subscription", "Cessazione TIM TUO abbonamento", "7.4.7", "Cessazione TIM TUO", False, "billing.dual_disable"),
    _op("dual_disable_prepaid", "Cessazione TIM TUO ricaricabile", "7.4.7", "Cessazione TIM TUO", True, "billing.dual_disable"),
    _op("dual_options_cease", "Cessazione Opzioni TIM TUO", "7.4.8", "Cessazione opzioni TIM TUO", True, "billing.dual_options_cease"),
    _op("threshold_activate", "Attivazione soglie di spesa", "7.5.1", "Attivazione soglie di spesa", True, "thresholds.activate"),
    _op("threshold_change", "Variazione soglie di spesa", "7.5.2", "Variazione soglie di spesa", True, "thresholds.change"),
    _op("roaming_threshold_value", "Variazione valore soglie dati roaming extra UE", "7.5.3", "Cambio tipo soglia dati EXTUE", True, "thresholds.roaming"),
    _op("roaming_threshold_type", "Variazione INFO ↔ DISPO soglia dati roaming extra UE", "7.5.3", "Cambio tipo soglia dati EXTUE", True, "thresholds.roaming"),
    _op("threshold_cease", "Cessazione soglie di spesa", "7.5.4", "Cessazione soglie di spesa", True, "thresholds.cease"),
    _op("smas_support", "Assistenza SMAS", "7.6.7", "Servizio RIF", False, "services.smas_support"),
    _op("smas_credentials", "Richiesta / reset credenziali SMAS", "7.6.8", "Servizio RIF", False, "services.smas_reset"),
    _op("contact_request", "Scrivici", "7.7.4", "Richiesta contatto", False, "support.write"),
    _op("terminal_config", "Configurazione sui terminali", "7.7.5", "Configurazione terminali", False, "support.terminals"),
    _op("device_support", "Assistenza su Apparati", "7.7.6", "Apertura tk servizio all risk", False, "support.devices"),
    _op("service_support", "Assistenza su Servizi", "7.7.9", "Assistenza su servizi", False, "support.web_services"),
    _op("personal_recharge", "Ricarica credito personale", "9.1.2", "Ricarica manuale web/app", False, "myline.recharge"),
    _op("dual_sub_card", "Attivazione TIM TUO abbonamento da dipendente con domiciliazione su carta di credito", "9.2.1.1.1", "Domiciliazione tim tuo", True, "myline.dual_manage"),
    _op("dual_sub_bank", "Attivazione TIM TUO abbonamento da dipendente con domiciliazione bancaria", "9.2.1.1.1", "Domiciliazione tim tuo", True, "myline.dual_manage"),
    _op("dual_sub_postal", "Attivazione TIM TUO abbonamento da dipendente con pagamento con bollettino postale", "9.2.1.1.1", "Pagamento bollettino", True, "myline.dual_manage"),
    _op("dual_billing_data", "TIM TUO abbonamento da dipendente: modifica dati di fatturazione", "9.2.1.1.2", "Modifica dati di fatturazione", False, "myline.dual_manage"),
    _op("dual_iban", "TIM TUO abbonamento da dipendente: modifica IBAN", "9.2.1.1.2", "Domiciliazioni - modifica", False, "myline.dual_manage"),
    _op("dual_to_card", "TIM TUO abbonamento da dipendente: modifica domiciliazione verso carta di credito", "9.2.1.1.2", "Domiciliazione tim tuo", False, "myline.dual_manage"),
    _op("dual_to_bank", "TIM TUO abbonamento da dipendente: modifica domiciliazione verso domiciliazione bancaria", "9.2.1.1.2", "Domiciliazioni - attivazione", False, "myline.dual_manage"),
    _op("dual_to_postal", "TIM TUO abbonamento da dipendente: modifica pagamento verso bollettino postale", "9.2.1.1.2", "Pagamento bollettino", False, "myline.dual_manage"),
    _op("timtuoric_pack_nat_on", "Tim TUO ricaricabile - Attivazione pacchetto mensile traffico nazionali", "9.2.1.3", "Timtuoric-attiv pacc traff naz", True, "myline.dual_packages"),
    _op("timtuoric_pack_extue_on", "Tim TUO ricaricabile - Attivazione pacchetto giornaliero traffico roaming extra UE", "9.2.1.3", "Timtuoric-attiv pac traf extue", True, "myline.dual_packages"),
    _op("timtuoric_plaf_nat_on", "Tim TUO ricaricabile - Attivazione plafond mensile dati nazionali", "9.2.1.3", "Timtuoric-attiv plaf dati naz", True, "myline.dual_packages"),
    _op("timtuoric_plaf_extue_on", "Tim TUO ricaricabile - Attivazione plafond dati roaming extra UE", "9.2.1.3", "Timtuoric-att plaf dati extue", True, "myline.dual_packages"),
    _op("timtuoric_pack_nat_off", "Tim TUO ricaricabile - Cessazione pacchetto mensile traffico nazionali", "9.2.1.3", "Timtuoric-cess pacc traff naz", True, "myline.dual_packages"),
    _op("timtuoric_pack_extue_off", "Tim TUO ricaricabile - Cessazione pacchetto giornaliero traffico roaming extra UE", "9.2.1.3", "Timtuoric-cess pac traf extue", True, "myline.dual_packages"),
    _op("timtuoric_plaf_nat_off", "Tim TUO ricaricabile - Cessazione plafond mensile dati nazionali", "9.2.1.3", "Timtuoric-cess plaf dati naz", True, "myline.dual_packages"),
    _op("timtuoric_plaf_extue_off", "Tim TUO ricaricabile - Cessazione plafond dati roaming extra UE", "9.2.1.3", "Timtuoric-cess plaf dati extue", True, "myline.dual_packages"),
    # G-53: the employee's own SIM change (F-9.1.4) is monitored in both histories.
    _op("employee_sim_change", "Cambio carta SIM (dipendente)", "9.1.4", "Cambio SIM", True, "myline.sim_change"),
]
# fmt: on

REGISTRY: dict[str, Operation] = {op.code: op for op in _DECLARED}
assert len(REGISTRY) == len(_DECLARED), "duplicate operation code"


class UnknownOperation(KeyError):
    pass


def get(code: str) -> Operation:
    try:
        return REGISTRY[code]
    except KeyError as exc:
        raise UnknownOperation(code) from exc


def implement(
    code: str,
    *,
    form: type,
    effect: Callable[[Any], None] | None,
    conflict_key: Callable[[dict], str] | None = None,
    conflict_subject: Callable[[dict], str] | None = None,
    summary: Callable[[dict], list[tuple[str, str, str]]] | None = None,
    ships: bool = False,
    uploads: tuple[Upload, ...] | list[Upload] = (),
    on_file: Callable[[Any], None] | None = None,
    detail_url: Callable[[Any], str] | None = None,
    manual: bool = False,
    on_delivered: Callable[[Any], None] | None = None,
    conflict_group: str = "",
    conflict_timeout: datetime.timedelta | None = None,
) -> Operation:
    """Attach the owning app's hooks to a declared operation (re-registering replaces them)."""
    op = get(code)
    op.manual = manual
    op.on_delivered = on_delivered
    op.conflict_group = conflict_group
    op.conflict_timeout = conflict_timeout
    op.on_file = on_file
    op.detail_url = detail_url
    op.form = form
    op.effect = effect
    op.conflict_key = conflict_key
    op.conflict_subject = conflict_subject
    op.summary = summary
    op.ships = ships
    op.uploads = tuple(uploads)
    return op


def implemented() -> list[Operation]:
    return [op for op in REGISTRY.values() if op.implemented]


def choices() -> list[tuple[str, str]]:
    """(code, "7.1.2 - Sostituzione referente (Referenti)") for the back-office form."""
    return [(op.code, f"{op.section} - {op.label} ({op.description})") for op in REGISTRY.values()]
