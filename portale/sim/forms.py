"""Parameters of the "Gestione SIM" requests (F-7.3.7, F-7.3.8, F-9.1.4).

Each is an ``OperationForm``: the same validation for the portal's pages and every other
channel (``portale.cases.services.case_file``). Querysets are limited to ``self.contract``
(and to ``self.line`` for the employee), so another contract's line or SIM is an invalid
choice.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portale.cases.forms import OperationForm
from portale.cases.linelist import LineListDocument
from portale.company.forms import ADDRESS_FIELDS, EMAIL_INVALID, AddressForm
from portale.core.amounts import EuroAmountField
from portale.core.dates import DateField
from portale.records import selectors as records
from portale.records.models import LineState, Sim
from portale.records.services import BUNDLE_FLAGS, BUNDLE_FLAGS_BY_CATEGORY

from . import bulk, selectors


class LineChoiceForm(OperationForm):
    """A request about one line of the contract, in the state the operation needs."""

    allowed_states: tuple[str, ...] = ()
    state_error = ""

    line = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Scegli la linea."),
            "invalid_choice": _("La linea non è tra quelle di questo contratto."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = records.lines_of_contract(contract=self.contract)

    def clean_line(self):
        line = self.cleaned_data["line"]
        if line.state not in self.allowed_states:
            raise forms.ValidationError(
                self.state_error % {"msisdn": line.msisdn, "state": line.get_state_display()}
            )
        return line

    def payload(self) -> dict:
        line = self.cleaned_data["line"]
        main = records.main_sim_in_service(line=line) if line else None
        return {
            "line_id": line.pk,
            "msisdn": line.msisdn,
            "iccid": main.iccid if main else "",
            "state": line.state,
        }

    def case_line(self):
        return self.cleaned_data["line"]


class SimBlockForm(LineChoiceForm):
    """Blocco carta SIM (furto/smarrimento): only an ATTIVO line (F-7.3.7)."""

    allowed_states = (LineState.ACTIVE,)
    state_error = _(
        "La linea %(msisdn)s è %(state)s: il blocco è possibile solo su una linea attiva."
    )


class SimUnblockForm(LineChoiceForm):
    """Sblocco carta SIM (ritrovamento): only a SOSPESO line (F-7.3.7)."""

    allowed_states = (LineState.SUSPENDED,)
    state_error = _(
        "La linea %(msisdn)s è %(state)s: lo sblocco è possibile solo su una linea sospesa."
    )


# G-26: the "Causale" values are not listed by the guide; these are its words.
CAUSALI = [
    ("CAMBIO FORMATO", _("Cambio formato")),
    ("GUASTO", _("Guasto")),
    ("FURTO", _("Furto")),
    ("SMARRIMENTO", _("Smarrimento")),
]


class SimChangeForm(OperationForm):
    """Cambio carta SIM (F-7.3.8, F-9.1.4): the SIM row to replace (One Number: the
    principal or a secondary SIM), the last 10 digits of the new ICCID and the reason.

    The new SIM must be one of the contract's hot stock (not on a line, not active), and no
    other open request may have promised it already.
    """

    sim = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Scegli la SIM da sostituire."),
            "invalid_choice": _("La SIM non è tra quelle sostituibili di questo contratto."),
        },
    )
    new_iccid = forms.RegexField(
        label=_("Nuovo ICCID"),
        regex=r"^\d{10}$",
        max_length=10,
        help_text=_(
            "Inserisci le ultime 10 cifre del nuovo ICCID stampate sulla SIM escludendo i 4 "
            "caratteri alfanumerici finali (es. L45C)."
        ),
        error_messages={
            "required": _("Inserisci le 10 cifre finali del nuovo ICCID."),
            "invalid": _("Il nuovo ICCID è di 10 cifre (dopo il prefisso 893901000-)."),
        },
    )
    causale = forms.ChoiceField(
        label=_("Causale"),
        choices=[("", "—")] + CAUSALI,
        error_messages={"required": _("Scegli la causale del cambio carta.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sim"].queryset = selectors.changeable_sims(
            contract=self.contract, line=self.line
        )
        self.fields["new_iccid"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}
        )

    def clean_new_iccid(self):
        return selectors.NEW_ICCID_PREFIX + self.cleaned_data["new_iccid"].strip()

    def clean(self):
        data = super().clean()
        sim, iccid = data.get("sim"), data.get("new_iccid")
        if sim is not None and sim.line.state not in selectors.SIM_CHANGE_LINE_STATES:
            self.add_error(
                "sim",
                _("La linea %(msisdn)s è %(state)s: la SIM non può essere sostituita.")
                % {"msisdn": sim.line.msisdn, "state": sim.line.get_state_display()},
            )
        if sim is None or iccid is None or self.has_error("sim"):
            return data
        if iccid == sim.iccid:
            self.add_error("new_iccid", _("Il nuovo ICCID è quello della SIM da sostituire."))
            return data
        new = records.sims_with_iccids(iccids=[iccid]).first()
        if new is None or new.contract_id != self.contract.pk:
            self.add_error(
                "new_iccid",
                _("L'ICCID %(iccid)s non è una SIM di questo contratto.") % {"iccid": iccid},
            )
        elif new.line_id is not None or new.state != Sim.State.STOCK:
            self.add_error(
                "new_iccid",
                _("La SIM %(iccid)s è già attiva o usata: inserisci una SIM nuova della scorta.")
                % {"iccid": iccid},
            )
        elif selectors.new_iccid_in_open_request(contract=self.contract, iccid=iccid):
            self.add_error(
                "new_iccid",
                _("La SIM %(iccid)s è già indicata in un'altra richiesta di cambio in corso.")
                % {"iccid": iccid},
            )
        return data

    def payload(self) -> dict:
        sim, iccid = self.cleaned_data["sim"], self.cleaned_data["new_iccid"]
        return {
            "line_id": sim.line_id,
            "msisdn": sim.line.msisdn,
            "role": sim.role,
            "old_iccid": sim.iccid,
            "new_iccid": iccid,
            "causale": self.cleaned_data["causale"],
            "lines": [{"line_id": sim.line_id, "iccid": iccid}],
        }

    def case_line(self):
        return self.cleaned_data["sim"].line


# --- Abilitazione over/extra bundle (F-7.3.5) ------------------------------------------------

BUNDLE_HEADER = ("NUMERO", "EXTRA_BUNDLE", "OVER_BUNDLE_NAZIONALE_UE", "OVER_BUNDLE_EXTRA_UE")
BUNDLE_COLUMNS = dict(zip(BUNDLE_HEADER[1:], BUNDLE_FLAGS, strict=True))
FLAG_LABELS = {
    "extra_bundle": _("Extra bundle"),
    "over_bundle_national": _("Over bundle Nazionale + UE"),
    "over_bundle_extra_eu": _("Over bundle Extra UE"),
}
YES, NO = "S", "N"
MSISDN = re.compile(r"^3\d{8,9}$")


class BulkRowsForm(LineListDocument, OperationForm):
    """A multi-line request as ``righe`` (``bulk`` CSV). ``first_row`` is the number of the
    first data row in the messages: 2 for a file (the header is row 1), 1 for the page's
    own rows, which have no header line for the user."""

    righe = forms.CharField(
        label=_("Linee"),
        widget=forms.Textarea,
        strip=False,
        error_messages={"required": _("Inserisci almeno una linea.")},
    )

    def __init__(self, *args, first_row: int = 2, **kwargs):
        self.first_row = first_row
        super().__init__(*args, **kwargs)

    def rows(self, header: tuple[str, ...]) -> list[bulk.Row]:
        try:
            rows = bulk.parse(self.cleaned_data["righe"], header)
        except bulk.BulkError as exc:
            raise forms.ValidationError(exc.errors) from exc
        for row in rows:
            row.number += self.first_row - 2
        return rows

    @staticmethod
    def row_error(row: bulk.Row, problem) -> str:
        return _("Riga %(n)s: %(reason)s") % {"n": row.number, "reason": problem}


class BundleFlagsForm(BulkRowsForm):
    """The lines and their new flags, as ``righe`` (``bulk`` CSV): every row checked."""

    righe = forms.CharField(
        label=_("Linee"),
        widget=forms.Textarea,
        strip=False,
        error_messages={"required": _("Seleziona almeno una linea.")},
    )

    def clean_righe(self):
        rows = self.rows(BUNDLE_HEADER)
        lines = bulk.resolve_lines(
            contract=self.contract, msisdns=[r.values["NUMERO"] for r in rows]
        )
        busy = selectors.lines_with_open_request(
            contract=self.contract,
            operations=("bundle_flags",),
            line_ids=[line.pk for line in lines.values()],
        )
        errors, seen, changes = [], {}, []
        for row in rows:
            problem, change = self._check(row, lines, seen, busy)
            if problem:
                errors.append(_("Riga %(n)s: %(reason)s") % {"n": row.number, "reason": problem})
            else:
                changes.append(change)
        if errors:
            raise forms.ValidationError(errors)
        return changes

    def _check(self, row, lines, seen, busy) -> tuple[str, dict | None]:
        msisdn = row.values["NUMERO"].replace(" ", "")
        if not MSISDN.match(msisdn):
            return _("numero di linea non valido (%(v)s).") % {"v": msisdn or "vuoto"}, None
        if msisdn in seen:
            return (
                _("la linea %(m)s è ripetuta (già alla riga %(r)s).")
                % {"m": msisdn, "r": seen[msisdn]},
                None,
            )
        seen[msisdn] = row.number
        line = lines.get(msisdn)
        if line is None:
            return _("la linea %(m)s non appartiene a questo contratto.") % {"m": msisdn}, None
        if line.state == LineState.CEASED:
            return _("la linea %(m)s è cessata.") % {"m": msisdn}, None
        if line.pk in busy:
            return (
                _("sulla linea %(m)s è già in lavorazione una richiesta di modifica.")
                % {"m": msisdn},
                None,
            )
        allowed = BUNDLE_FLAGS_BY_CATEGORY.get(line.tariff_plan.category, ())
        if not allowed:
            return (
                _("il profilo %(p)s della linea %(m)s non prevede abilitazioni over/extra bundle.")
                % {"p": line.tariff_plan.name, "m": msisdn},
                None,
            )
        change = {}
        for column, flag in BUNDLE_COLUMNS.items():
            value = row.values[column].upper()
            if value == "":
                continue
            if value not in (YES, NO):
                return (
                    _("%(c)s vale S, N o vuoto (trovato %(v)s).") % {"c": column, "v": value},
                    None,
                )
            wanted = value == YES
            if wanted == getattr(line, flag):
                continue
            if flag not in allowed:
                return (
                    _("%(f)s non è modificabile per il profilo %(p)s.")
                    % {"f": FLAG_LABELS[flag], "p": line.tariff_plan.name},
                    None,
                )
            change[flag] = wanted
        if not change:
            return _("nessuna modifica rispetto alle abilitazioni attuali."), None
        old = {flag: getattr(line, flag) for flag in BUNDLE_FLAGS}
        return "", {"line_id": line.pk, "msisdn": msisdn, "changes": change, "old": old}

    def payload(self) -> dict:
        return {"lines": self.cleaned_data["righe"]}

    def line_list(self):
        def flag(item, name):
            old = item["old"][name]
            new = item["changes"].get(name, old)
            mark = {True: "Sì", False: "No"}
            return f"{mark[old]} → {mark[new]}" if new != old else mark[old]

        header = [str(_("Linea"))] + [str(FLAG_LABELS[f]) for f in BUNDLE_FLAGS]
        rows = [
            [item["msisdn"]] + [flag(item, f) for f in BUNDLE_FLAGS]
            for item in self.cleaned_data["righe"]
        ]
        return header, rows


# --- Ricarica aziendale con addebito in fattura (F-7.3.4) -----------------------------------

ONE_SHOT, TIMED, PARAMETRIC = "one_shot", "a_tempo", "parametrica"
RECHARGE_KINDS = [
    (ONE_SHOT, _("Ricarica one shot")),
    (TIMED, _("Ricarica a tempo")),
    (PARAMETRIC, _("Ricarica sotto soglia parametrica")),
]
ONE_SHOT_AMOUNTS = (7, 22, 44, 88)  # G-20
FREQUENCIES = (7, 15, 30)
SERVICE_KIND = {TIMED: "RIC_TEMPO", PARAMETRIC: "RIC_PARAM"}
# G-21: the "a tempo" and "parametrica" amount in whole euros, the threshold in 0,50 € steps
AUTOMATIC_AMOUNT_MIN, AUTOMATIC_AMOUNT_MAX = Decimal(5), Decimal(50)
THRESHOLD_MIN, THRESHOLD_MAX, THRESHOLD_STEP = Decimal(0), Decimal(5), Decimal("0.5")


class CompanyRechargeForm(LineListDocument, OperationForm):
    """One line, one kind of recharge and its parameters (G-20, G-21, G-22).

    The amount and the threshold are typed as the portal writes amounts ("20", "20,00",
    "2,50"; ``EuroAmountField``): the amount in whole euros, from 5 to 50 € for the
    automatic recharges (one shot: one of the denominations), the threshold from 0 to 5 €
    in 0,50 € steps; one message per problem, next to the field."""

    tipo = forms.ChoiceField(label=_("Tipo di ricarica"), choices=RECHARGE_KINDS)
    line = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Scegli la linea da ricaricare."),
            "invalid_choice": _("La linea non è una linea ricaricabile di questo contratto."),
        },
    )
    importo = EuroAmountField(
        label=_("Importo della ricarica"),
        decimal_places=0,
        example="20",
        help_text=_("Minimo 5€ - Max 50€. In euro interi, ad esempio 20."),
        error_messages={"required": _("Indica l'importo della ricarica.")},
    )
    frequenza = forms.TypedChoiceField(
        label=_("Frequenza di ricarica"),
        choices=[("", _("Numero giorni"))] + [(n, str(n)) for n in FREQUENCIES],
        coerce=int,
        required=False,
    )
    soglia = EuroAmountField(
        label=_("Valore soglia"),
        min_value=THRESHOLD_MIN,
        max_value=THRESHOLD_MAX,
        step=THRESHOLD_STEP,
        example="2,50",
        help_text=_("Da 0 a 5€, a passi di 0,50€. In euro, ad esempio 2,50."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = (
            records.lines_of_contract(contract=self.contract)
            .filter(tariff_plan__category="RICARICABILE")
            .exclude(state=LineState.CEASED)
            .select_related("tariff_plan")
        )
        kind = self.data.get(self.add_prefix("tipo")) if self.is_bound else None
        if isinstance(kind, str) and kind in SERVICE_KIND:
            # a tempo, parametrica: 5–50 €, the field's own range message
            amount = self.fields["importo"]
            amount.min_value, amount.max_value = AUTOMATIC_AMOUNT_MIN, AUTOMATIC_AMOUNT_MAX

    def clean(self):
        data = super().clean()
        kind, amount, line = data.get("tipo"), data.get("importo"), data.get("line")
        if kind is None:
            return data
        if kind == ONE_SHOT and amount is not None and amount not in ONE_SHOT_AMOUNTS:
            self.add_error("importo", _("Scegli uno dei tagli proposti: 7, 22, 44 o 88 €."))
        if kind == TIMED and data.get("frequenza") not in FREQUENCIES:
            self.add_error("frequenza", _("La frequenza di ricarica è di 7, 15 o 30 giorni."))
        if kind == PARAMETRIC and "soglia" not in self.errors and data.get("soglia") is None:
            self.add_error("soglia", self.fields["soglia"].error_messages["required"])
        if line is not None and kind in SERVICE_KIND:
            active = line.services.filter(
                kind=SERVICE_KIND[kind], state__in=["ATTIVO", "IN ATTIVAZIONE"]
            ).exists()
            pending = selectors.open_recharge_kind(contract=self.contract, line=line, kind=kind)
            if active or pending:
                self.add_error(
                    None,
                    _(
                        "Sulla linea %(msisdn)s è già attiva una %(kind)s: non è possibile "
                        "modificarla o cessarla dal Portale. Contatta il Servizio Clienti da "
                        '"Contattaci!".'
                    )
                    % {"msisdn": line.msisdn, "kind": dict(RECHARGE_KINDS)[kind].lower()},
                )
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        line = d["line"]
        payload = {
            "tipo": d["tipo"],
            "line_id": line.pk,
            "msisdn": line.msisdn,
            "amount": str(int(d["importo"])),
            "lines": [{"line_id": line.pk}],
        }
        if d["tipo"] == TIMED:
            payload["frequency_days"] = d["frequenza"]
        if d["tipo"] == PARAMETRIC:
            payload["threshold"] = f"{d['soglia']:.2f}"
        return payload

    def case_line(self):
        return self.cleaned_data["line"]

    def line_list(self):
        d = self.cleaned_data
        line = d["line"]
        return (
            [str(_("Linea")), str(_("Profilo")), str(_("Tipo di ricarica")), str(_("Importo €"))],
            [
                [
                    line.msisdn,
                    line.tariff_plan.name,
                    str(dict(RECHARGE_KINDS)[d["tipo"]]),
                    str(d["importo"]),
                ]
            ],
        )


# --- Conferma / Rinuncia ricariche (F-7.3.3) -------------------------------------------------

MODE_HEADER = ("NUMERO",)
MODE_OF_OPERATION = {"recharge_confirm": "CONFERMA", "recharge_waive": "RINUNCIA"}


def next_month(today=None) -> str:
    from django.utils import timezone

    today = today or timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")


def month_label(month: str) -> str:
    """A payload month ("2027-01") as the portal writes it: "01/2027" (COPY §4)."""
    year, number = month.split("-")
    return f"{number}/{year}"


class RechargeModeForm(BulkRowsForm):
    """The lines whose automatic recharge is confirmed (CONFERMA lines) or waived (RINUNCIA
    lines) for next month only; the operation says which (G-18, G-19)."""

    righe = forms.CharField(
        label=_("Linee"),
        widget=forms.Textarea,
        strip=False,
        error_messages={"required": _("Seleziona almeno una linea.")},
    )

    def clean_righe(self):
        mode = MODE_OF_OPERATION[self.operation]
        rows = self.rows(MODE_HEADER)
        lines = bulk.resolve_lines(
            contract=self.contract, msisdns=[r.values["NUMERO"] for r in rows]
        )
        line_ids = [line.pk for line in lines.values()]
        busy = selectors.lines_with_open_request(
            contract=self.contract, operations=tuple(MODE_OF_OPERATION), line_ids=line_ids
        )
        month = next_month()
        done = records.lines_with_recharge_override(line_ids=line_ids, month=month)
        errors, seen, items = [], {}, []
        for row in rows:
            msisdn = row.values["NUMERO"].replace(" ", "")
            line = lines.get(msisdn)
            if msisdn in seen:
                problem = _("la linea %(m)s è ripetuta (già alla riga %(r)s).") % {
                    "m": msisdn,
                    "r": seen[msisdn],
                }
            elif line is None:
                problem = _("la linea %(m)s non appartiene a questo contratto.") % {"m": msisdn}
            elif not line.tariff_plan.is_prepaid or line.state == LineState.CEASED:
                problem = _("la linea %(m)s non è una linea ricaricabile attiva.") % {"m": msisdn}
            elif line.auto_recharge != mode:
                problem = _("la linea %(m)s non è in modalità %(mode)s.") % {
                    "m": msisdn,
                    "mode": mode,
                }
            elif line.pk in busy:
                problem = _("sulla linea %(m)s è già in lavorazione una richiesta.") % {"m": msisdn}
            elif line.pk in done:
                problem = _(
                    "per la linea %(m)s la richiesta del mese %(month)s è già stata registrata."
                ) % {"m": msisdn, "month": month_label(month)}
            else:
                problem = ""
                items.append({"line_id": line.pk, "msisdn": msisdn, "plan": line.tariff_plan.name})
            seen.setdefault(msisdn, row.number)
            if problem:
                errors.append(_("Riga %(n)s: %(reason)s") % {"n": row.number, "reason": problem})
        if errors:
            raise forms.ValidationError(errors)
        return items

    def payload(self) -> dict:
        return {
            "mode": MODE_OF_OPERATION[self.operation],
            "month": next_month(),
            "lines": self.cleaned_data["righe"],
        }

    def line_list(self):
        label = (
            _("Conferma la ricarica automatica")
            if self.operation == "recharge_confirm"
            else _("Rinuncia alla ricarica automatica")
        )
        return (
            [str(_("Linea")), str(_("Profilo")), str(_("Richiesta")), str(_("Mese"))],
            [
                [i["msisdn"], i["plan"], str(label), next_month()]
                for i in self.cleaned_data["righe"]
            ],
        )


# --- Gestione servizi di Rete (F-7.3.9) and profilo RIF (F-7.3.10) ---------------------------


class NetworkServicesForm(LineChoiceForm):
    """The direttrici to block on a subscription line (the others are enabled)."""

    allowed_states = (LineState.ACTIVE, LineState.SUSPENDED, LineState.FROZEN)
    state_error = _("La linea %(msisdn)s è %(state)s: i servizi di rete non sono modificabili.")

    blocked = forms.ModelMultipleChoiceField(
        label=_("Direttrici bloccate"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Direttrice sconosciuta: %(value)s.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = self.fields["line"].queryset.exclude(
            tariff_plan__category="RICARICABILE"
        )
        self.fields["blocked"].queryset = records.network_categories()
        self.fields["line"].error_messages["invalid_choice"] = _(
            "La linea non è una linea in abbonamento di questo contratto."
        )

    def clean(self):
        data = super().clean()
        line = data.get("line")
        if line is not None and "blocked" in data:
            now = set(line.blocked_categories.values_list("code", flat=True))
            if now == {c.code for c in data["blocked"]}:
                raise forms.ValidationError(_("Non hai modificato nessuna direttrice."))
        return data

    def payload(self) -> dict:
        line = self.cleaned_data["line"]
        return {
            "line_id": line.pk,
            "msisdn": line.msisdn,
            "blocked": sorted(c.code for c in self.cleaned_data["blocked"]),
            "old": sorted(line.blocked_categories.values_list("code", flat=True)),
        }


class RifProfileForm(LineChoiceForm):
    """The new RIF profile of a line (single choice from the Legenda)."""

    allowed_states = (LineState.ACTIVE, LineState.SUSPENDED, LineState.FROZEN)
    state_error = _("La linea %(msisdn)s è %(state)s: il profilo RIF non è modificabile.")

    profile = forms.ModelChoiceField(
        label=_("Profilo RIF"),
        queryset=None,
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Scegli il nuovo profilo RIF."),
            "invalid_choice": _("Profilo RIF sconosciuto."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = records.rif_profiles()

    def clean(self):
        data = super().clean()
        line, profile = data.get("line"), data.get("profile")
        if line is not None and profile is not None and line.rif_profile_id == profile.pk:
            self.add_error("profile", _("La linea ha già questo profilo RIF."))
        return data

    def payload(self) -> dict:
        line, profile = self.cleaned_data["line"], self.cleaned_data["profile"]
        return {
            "line_id": line.pk,
            "msisdn": line.msisdn,
            "profile": profile.code,
            "old": str(line.rif_profile or ""),
            "new": str(profile),
        }


# --- Blocco apparato con e senza IMEI (F-7.3.13, G-30, G-54) ---------------------------------

KNOWN, UNKNOWN = "conosciuto", "non_conosciuto"
EVENTS = [("FURTO", _("Furto")), ("SMARRIMENTO", _("Smarrimento"))]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class ImeiBlockForm(OperationForm):
    """Richiesta con IMEI conosciuto / non conosciuto, with the two documents (uploads)."""

    variante = forms.ChoiceField(
        choices=[(KNOWN, KNOWN), (UNKNOWN, UNKNOWN)], widget=forms.HiddenInput
    )
    imei = forms.CharField(label=_("IMEI"), max_length=20, required=False)
    numero = forms.CharField(
        label=_("Numero della linea"),
        max_length=15,
        error_messages={"required": _("Indica il numero della linea usata con l'apparato.")},
    )
    data_evento = DateField(
        label=_("Data dell'evento"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    evento = forms.ChoiceField(
        label=_("Tipo di evento"), choices=[("", "—")] + EVENTS, required=False
    )
    periodo = forms.CharField(label=_("Periodo di ultimo utilizzo"), max_length=120, required=False)

    def clean_imei(self):
        value = "".join(self.cleaned_data["imei"].split())
        if value and not (len(value) == 15 and value.isdigit() and luhn_ok(value)):
            raise forms.ValidationError(
                _(
                    "IMEI non valido: sono 15 cifre e l'ultima è di controllo (verifica di averlo copiato bene)."
                )
            )
        return value

    def clean_numero(self):
        msisdn = self.cleaned_data["numero"].replace(" ", "")
        line = records.lines_of_contract(contract=self.contract).filter(msisdn=msisdn).first()
        if line is None:
            raise forms.ValidationError(_("La linea non appartiene a questo contratto."))
        self.chosen_line = line
        return msisdn

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        if data.get("variante") == KNOWN:
            if not data.get("imei") and not self.has_error("imei"):
                self.add_error("imei", _("Indica l'IMEI dell'apparato."))
            if not data.get("evento"):
                self.add_error("evento", _("Scegli il tipo di evento."))
            when = data.get("data_evento")
            if when is None and not self.has_error("data_evento"):
                self.add_error("data_evento", _("Indica la data dell'evento."))
            elif when and when > timezone.localdate():
                self.add_error("data_evento", _("La data dell'evento non può essere futura."))
        elif data.get("variante") == UNKNOWN and not data.get("periodo"):
            self.add_error("periodo", _("Indica il periodo di ultimo utilizzo dell'apparato."))
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        payload = {"variante": d["variante"], "line_id": self.chosen_line.pk, "msisdn": d["numero"]}
        if d["variante"] == KNOWN:
            payload |= {
                "imei": d["imei"],
                "evento": d["evento"],
                "data_evento": d["data_evento"].isoformat(),
            }
        else:
            payload["periodo"] = d["periodo"]
        return payload

    def case_line(self):
        return self.chosen_line


# --- Attivazione differita SIM (F-7.3.6, G-24) -----------------------------------------------

DEFERRED_HEADER = ("NUMERO", "ICCID")
ICCID_FULL = re.compile(r"^8939\d{15}$")
ICCID_SHORT = re.compile(r"^\d{10}$")


class DeferredActivationForm(BulkRowsForm):
    """Number and ICCID of hot-stock SIMs of the contract (G-24: the ICCID in full, 19 digits
    from 8939, or its last 10). Every row is checked; nothing is filed if one is wrong."""

    def clean_righe(self):
        rows = self.rows(DEFERRED_HEADER)
        cells = [
            (r.values["NUMERO"].replace(" ", ""), r.values["ICCID"].replace(" ", "")) for r in rows
        ]
        full = {i for _m, i in cells if ICCID_FULL.match(i)}
        short = {i for _m, i in cells if ICCID_SHORT.match(i)}
        by_iccid = {s.iccid: s for s in records.sims_with_iccids(iccids=full)}
        stock = records.sims_of_contract(contract=self.contract)
        by_short: dict[str, list] = {}
        if short:
            from django.db.models.functions import Right

            found = stock.annotate(short=Right("iccid", 10)).filter(short__in=list(short))
            for sim in found:
                by_short.setdefault(sim.short, []).append(sim)
        in_use = set(
            records.lines_with_msisdns(msisdns=[m for m, _i in cells]).values_list(
                "msisdn", flat=True
            )
        )
        pending = selectors.iccids_in_open_activation(contract=self.contract)
        errors, items, seen_iccid, seen_number = [], [], {}, {}
        # row number → field ("numero", "iccid") → its problems: the page's own rows show
        # them next to the field; the list above the rows (and a file's) has them all.
        self.row_problems: dict[int, dict[str, list[str]]] = {}
        for row, (msisdn, iccid) in zip(rows, cells, strict=True):
            problems, sim = self._check(
                msisdn, iccid, by_iccid, by_short, in_use, pending, seen_iccid, seen_number, row
            )
            for field, problem in problems:
                errors.append(self.row_error(row, problem))
                self.row_problems.setdefault(row.number, {}).setdefault(field, []).append(problem)
            if not problems:
                items.append({"iccid": sim.iccid, "msisdn": msisdn, "kind": sim.kind})
        if errors:
            raise forms.ValidationError(errors)
        return items

    def _check(self, msisdn, iccid, by_iccid, by_short, in_use, pending, seen_i, seen_m, row):
        """(field, problem) of every problem of the row, and its SIM when there is none. The
        number and the ICCID are read independently, so a row with both wrong says both."""
        problems: list[tuple[str, str]] = []
        number_ok = bool(MSISDN.match(msisdn))
        if not number_ok:
            problems.append(
                ("numero", _("numero di linea non valido (%(v)s).") % {"v": msisdn or "vuoto"})
            )
        elif msisdn in seen_m:
            problems.append(
                (
                    "numero",
                    _("il numero %(m)s è ripetuto (già alla riga %(r)s).")
                    % {"m": msisdn, "r": seen_m[msisdn]},
                )
            )
        else:
            seen_m[msisdn] = row.number
        sim = None
        if ICCID_FULL.match(iccid):
            sim = by_iccid.get(iccid)
        elif ICCID_SHORT.match(iccid):
            found = by_short.get(iccid, [])
            if len(found) > 1:
                problems.append(
                    ("iccid", _("l'ICCID %(v)s non è univoco: indicalo per intero.") % {"v": iccid})
                )
                return problems, None
            sim = found[0] if found else None
        else:
            problems.append(
                (
                    "iccid",
                    _("ICCID non valido (%(v)s): 19 cifre che iniziano con 8939, o le ultime 10.")
                    % {"v": iccid or "vuoto"},
                )
            )
            return problems, None
        key = sim.iccid if sim else iccid
        if key in seen_i:
            problems.append(
                (
                    "iccid",
                    _("la SIM %(i)s è ripetuta (già alla riga %(r)s).")
                    % {"i": iccid, "r": seen_i[key]},
                )
            )
            return problems, None
        seen_i[key] = row.number
        if sim is None or sim.contract_id != self.contract.pk:
            problems.append(
                ("iccid", _("la SIM %(i)s non è una SIM di questo contratto.") % {"i": iccid})
            )
            return problems, None
        if sim.line_id is not None or sim.state != Sim.State.STOCK:
            problems.append(
                ("iccid", _("la SIM %(i)s è già attiva o non più disponibile.") % {"i": iccid})
            )
            return problems, None
        if sim.iccid in pending:
            problems.append(
                (
                    "iccid",
                    _("la SIM %(i)s è già in una richiesta di attivazione in corso.")
                    % {"i": iccid},
                )
            )
        if number_ok:
            if sim.msisdn != msisdn:
                problems.append(
                    (
                        "numero",
                        _("il numero %(m)s non è quello della SIM %(i)s.")
                        % {"m": msisdn, "i": iccid},
                    )
                )
            elif msisdn in in_use:
                problems.append(("numero", _("il numero %(m)s è già attivo.") % {"m": msisdn}))
        return problems, sim

    def payload(self) -> dict:
        return {"sims": self.cleaned_data["righe"]}

    def line_list(self):
        kinds = dict(Sim.Kind.choices)
        return (
            [str(_("Numero")), str(_("ICCID")), str(_("Tipo di SIM"))],
            [[i["msisdn"], i["iccid"], str(kinds[i["kind"]])] for i in self.cleaned_data["righe"]],
        )


# --- Reintegro scorta calda di SIM (F-7.3.11, G-28) ------------------------------------------

HOT_STOCK_MAX = 100  # G-28: per SIM kind and request
QUANTITY_FIELDS = {
    "fonia": Sim.Kind.VOICE,
    "m2m_standard": Sim.Kind.M2M_STANDARD,
    "m2m_pin_disable": Sim.Kind.M2M_PIN_DISABLE,
}


def _quantity():
    # A text input with a numeric keypad, not type=number: a browser empties a number input
    # holding what it cannot read ("1,5"), so the value refused would vanish from the form.
    return forms.IntegerField(
        label=_("Quantità"),
        min_value=0,
        max_value=HOT_STOCK_MAX,
        required=False,
        initial=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Indica un numero intero."),
            "min_value": _("La quantità non può essere negativa."),
            "max_value": _("Al massimo %(limit_value)s SIM per tipo in una richiesta."),
        },
    )


class HotStockForm(AddressForm):
    """Quantities of the three kinds of SIM, the delivery address (pre-filled with the
    contract's documentation address, G-28) and the contact at the delivery site."""

    fonia = _quantity()
    m2m_standard = _quantity()
    m2m_pin_disable = _quantity()
    sede = forms.CharField(label=_("Sede"), max_length=80, required=False)
    denominazione = forms.CharField(label=_("Denominazione"), max_length=120, required=False)
    referente = forms.CharField(label=_("Referente sede"), max_length=120, required=False)
    telefono = forms.CharField(label=_("Telefono"), max_length=20, required=False)
    fax = forms.CharField(label=_("Numero fax"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = _("Numero civico")
        self.fields.pop("hamlet", None)
        for name in QUANTITY_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": "0"})

    def current_values(self) -> dict:
        address = self.contract.docs_address
        return {k: getattr(address, k) for k in ADDRESS_FIELDS}

    def _phone(self, name: str) -> str:
        value = "".join(ch for ch in self.cleaned_data[name] if ch.isdigit() or ch == "+")
        if value and not re.fullmatch(r"(\+39)?\d{6,11}", value):
            raise forms.ValidationError(_("Numero non valido: solo cifre, da 6 a 11."))
        return value

    def clean_telefono(self):
        return self._phone("telefono")

    def clean_fax(self):
        return self._phone("fax")

    def clean(self):
        data = super().clean()
        quantities = [data.get(name) or 0 for name in QUANTITY_FIELDS]
        if not any(self.has_error(name) for name in QUANTITY_FIELDS) and not any(quantities):
            self.add_error(None, _("Indica almeno una quantità maggiore di zero."))
        return data

    def address_text(self) -> str:
        d = self.cleaned_data
        return (
            f"{d['toponym']} {d['street']} {d['number']}, {d['cap']} {d['city'].upper()} "
            f"({d['province']})"
        )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "quantities": {str(kind): d.get(name) or 0 for name, kind in QUANTITY_FIELDS.items()},
            "delivery_address": self.address_text(),
            "sede": d["sede"].strip(),
            "denominazione": d["denominazione"].strip(),
            "referente": d["referente"].strip(),
            "telefono": d["telefono"],
            "fax": d["fax"],
            "email": d["email"],
        }
