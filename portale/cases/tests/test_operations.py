"""The operation registry holds every row of Appendix 1, verbatim (F-10)."""

from pathlib import Path

import pytest

from portale.cases import operations
from portale.core import capabilities

# (Operazione, Par., Descrizione Pratica, Ordine) — Appendix 1 of the guide, row by row.
APPENDIX_1 = [
    ("Sostituzione referente", "7.1.2", "Referenti", False),
    ("Modifica contatti referente", "7.1.2", "Referenti", False),
    (
        "Modifica indirizzo di spedizione della fattura aziendale",
        "7.1.3",
        "Modifica recapito rendiconto",
        False,
    ),
    (
        "Modifica indirizzo di spedizione della documentazione del traffico",
        "7.1.3",
        "Modifica recapito doc traffico",
        False,
    ),
    ("Conferma ricarica automatica aziendale", "7.3.3", "Conferma ricarica aziendale", True),
    ("Rinuncia ricarica automatica aziendale", "7.3.3", "Rinuncia ricarica aziendale", True),
    ("Ricarica credito aziendale", "7.3.4", "Richiesta ricarica aziendale", True),
    (
        "Modifica abilitazione over bundle / extra bundle",
        "7.3.5",
        "Modif abilit over-ext bundle",
        True,
    ),
    ("Attivazione differita SIM", "7.3.6", "Attivazione differita SIM", False),
    ("Blocco carta SIM", "7.3.7", "Furto/Smarrimento SIM", True),
    ("Sblocco carta SIM", "7.3.7", "Ritrovamento SIM", True),
    ("Cambio carta SIM", "7.3.8", "Cambio SIM", True),
    ("Gestione servizi di rete", "7.3.9", "Servizi di rete", False),
    ("Gestione profilo Rif", "7.3.10", "Servizio RIF", False),
    ("Reintegro scorta calda di SIM", "7.3.11", "Scorta calda SIM", False),
    ("Blocco IMEI", "7.3.13", "Blocco Imei", False),
    ("Abilitazione al servizio TIM TUO", "7.4.5", "Attivazione TIM TUO Azienda", True),
    ("Attiva Opzioni TIM TUO", "7.4.6", "Attivazione opzioni TIM TUO", True),
    ("Cessazione TIM TUO abbonamento", "7.4.7", "Cessazione TIM TUO", False),
    ("Cessazione TIM TUO ricaricabile", "7.4.7", "Cessazione TIM TUO", True),
    ("Cessazione Opzioni TIM TUO", "7.4.8", "Cessazione opzioni TIM TUO", True),
    ("Attivazione soglie di spesa", "7.5.1", "Attivazione soglie di spesa", True),
    ("Variazione soglie di spesa", "7.5.2", "Variazione soglie di spesa", True),
    (
        "Variazione valore soglie dati roaming extra UE",
        "7.5.3",
        "Cambio tipo soglia dati EXTUE",
        True,
    ),
    (
        "Variazione INFO ↔ DISPO soglia dati roaming extra UE",
        "7.5.3",
        "Cambio tipo soglia dati EXTUE",
        True,
    ),
    ("Cessazione soglie di spesa", "7.5.4", "Cessazione soglie di spesa", True),
    ("Assistenza SMAS", "7.6.7", "Servizio RIF", False),
    ("Richiesta / reset credenziali SMAS", "7.6.8", "Servizio RIF", False),
    ("Scrivici", "7.7.4", "Richiesta contatto", False),
    ("Configurazione sui terminali", "7.7.5", "Configurazione terminali", False),
    ("Assistenza su Apparati", "7.7.6", "Apertura tk servizio all risk", False),
    ("Assistenza su Servizi", "7.7.9", "Assistenza su servizi", False),
    ("Ricarica credito personale", "9.1.2", "Ricarica manuale web/app", False),
    (
        "Attivazione TIM TUO abbonamento da dipendente con domiciliazione su carta di credito",
        "9.2.1.1.1",
        "Domiciliazione tim tuo",
        True,
    ),
    (
        "Attivazione TIM TUO abbonamento da dipendente con domiciliazione bancaria",
        "9.2.1.1.1",
        "Domiciliazione tim tuo",
        True,
    ),
    (
        "Attivazione TIM TUO abbonamento da dipendente con pagamento con bollettino postale",
        "9.2.1.1.1",
        "Pagamento bollettino",
        True,
    ),
    (
        "TIM TUO abbonamento da dipendente: modifica dati di fatturazione",
        "9.2.1.1.2",
        "Modifica dati di fatturazione",
        False,
    ),
    (
        "TIM TUO abbonamento da dipendente: modifica IBAN",
        "9.2.1.1.2",
        "Domiciliazioni - modifica",
        False,
    ),
    (
        "TIM TUO abbonamento da dipendente: modifica domiciliazione verso carta di credito",
        "9.2.1.1.2",
        "Domiciliazione tim tuo",
        False,
    ),
    (
        "TIM TUO abbonamento da dipendente: modifica domiciliazione verso domiciliazione bancaria",
        "9.2.1.1.2",
        "Domiciliazioni - attivazione",
        False,
    ),
    (
        "TIM TUO abbonamento da dipendente: modifica pagamento verso bollettino postale",
        "9.2.1.1.2",
        "Pagamento bollettino",
        False,
    ),
    (
        "Tim TUO ricaricabile - Attivazione pacchetto mensile traffico nazionali",
        "9.2.1.3",
        "Timtuoric-attiv pacc traff naz",
        True,
    ),
    (
        "Tim TUO ricaricabile - Attivazione pacchetto giornaliero traffico roaming extra UE",
        "9.2.1.3",
        "Timtuoric-attiv pac traf extue",
        True,
    ),
    (
        "Tim TUO ricaricabile - Attivazione plafond mensile dati nazionali",
        "9.2.1.3",
        "Timtuoric-attiv plaf dati naz",
        True,
    ),
    (
        "Tim TUO ricaricabile - Attivazione plafond dati roaming extra UE",
        "9.2.1.3",
        "Timtuoric-att plaf dati extue",
        True,
    ),
    (
        "Tim TUO ricaricabile - Cessazione pacchetto mensile traffico nazionali",
        "9.2.1.3",
        "Timtuoric-cess pacc traff naz",
        True,
    ),
    (
        "Tim TUO ricaricabile - Cessazione pacchetto giornaliero traffico roaming extra UE",
        "9.2.1.3",
        "Timtuoric-cess pac traf extue",
        True,
    ),
    (
        "Tim TUO ricaricabile - Cessazione plafond mensile dati nazionali",
        "9.2.1.3",
        "Timtuoric-cess plaf dati naz",
        True,
    ),
    (
        "Tim TUO ricaricabile - Cessazione plafond dati roaming extra UE",
        "9.2.1.3",
        "Timtuoric-cess plaf dati extue",
        True,
    ),
]


def _by_label():
    return {op.label: op for op in operations.REGISTRY.values()}


@pytest.mark.parametrize(("label", "section", "description", "order"), APPENDIX_1)
def test_every_appendix_row_is_declared_verbatim(label, section, description, order):
    op = _by_label()[label]
    assert (op.section, op.description, op.makes_order) == (section, description, order)


def test_the_registry_is_appendix_1_plus_the_employee_sim_change():
    assert len(operations.REGISTRY) == len(APPENDIX_1) + 1
    op = operations.get("employee_sim_change")
    assert (op.section, op.description, op.makes_order) == ("9.1.4", "Cambio SIM", True)
    assert op.profiles == frozenset({capabilities.Profile.DIP})


GUIDE = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "guida-utente.md"


def test_the_table_matches_the_guide():
    # The guide lies beside the repository (shared/), in CI too: its absence is a failure.
    assert GUIDE.exists(), f"the user guide is missing: {GUIDE}"
    text = GUIDE.read_text(encoding="utf-8").split("## 10. Appendice 1", 1)[1]
    rows = [line.split("\t") for line in text.splitlines() if line.count("\t") >= 3]
    rows = [r for r in rows if r[0] != "Operazione"]
    assert [(r[0], r[1], r[3]) for r in rows] == [(a, b, c) for a, b, c, _ in APPENDIX_1]


def test_every_operation_names_an_existing_capability():
    for op in operations.REGISTRY.values():
        assert op.capability in capabilities.REGISTRY, op.code


def test_an_implemented_operation_has_an_operation_form():
    from portale.cases.forms import OperationForm

    for op in operations.implemented():
        assert issubclass(op.form, OperationForm), op.code
        assert op.effect is None or callable(op.effect), op.code


def test_an_operation_without_form_is_not_fileable():
    op = operations.get("referent_replace")
    saved = op.form
    op.form = None
    try:
        assert not op.implemented
        assert op not in operations.implemented()
    finally:
        op.form = saved


def test_allows_applies_the_capability_condition():
    """A prepaid-only operation is refused on a subscription line (the condition counts)."""
    from portale.core.context import OwnLine, PortalContext

    op = operations.get("personal_recharge")  # "myline.recharge": employee, prepaid lines only
    prepaid = OwnLine(pk=1, msisdn="3330000001", contract=None, prepaid=True)
    subscription = OwnLine(pk=1, msisdn="3330000001", contract=None, prepaid=False)
    dip = frozenset({capabilities.Profile.DIP, capabilities.Profile.USER})
    assert op.allows(PortalContext(user=None, own_line=prepaid, profiles=dip))
    assert not op.allows(PortalContext(user=None, own_line=subscription, profiles=dip))


def test_type_label_is_upper_case():
    assert operations.get("invoice_address").type_label == "MODIFICA RECAPITO RENDICONTO"
