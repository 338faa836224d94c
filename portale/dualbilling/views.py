"""TIM TUO pages: the referent's requests (F-7.4.5–F-7.4.8) and the employee's "Gestisci",
activation wizard, "Monitoraggio e modifica" and "La mia fattura" (F-9.2.1.1, F-9.2.1.2).

The referent's lists are the P-08 selection tables (ticks kept in the session); PROSEGUI
posts the page's ticks to the request step, which validates the operation's form and hands
it to the wizard (``start_request`` → "Conferma dei dati" → pratica + ordine). The
employee's wizard keeps its steps in the session and ends the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.http.request import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portale.accounts.forms import EmailChangeForm
from portale.accounts.services import user_personal_data_update
from portale.accounts.views_personal import email_change_start
from portale.cases.selectors import open_cases
from portale.cases.wizard import operation_form, start_request
from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.core.pdf import pdf_response, render_pdf
from portale.core.tabs import tabs, window_title
from portale.records import selectors as record_selectors
from portale.records.models import DualBilling

from . import forms, selectors
from .tables import EnableTable, LinesTable, PersonalInvoiceTable, ReportTable

MENU = gettext_lazy("Fatturazione e traffico")
TIM_TUO = gettext_lazy("TIM TUO")


def _contract(request):
    if request.portal.contract is None:
        raise Http404
    return request.portal.contract


# --- the referent's requests (F-7.4.5–F-7.4.8) -------------------------------------------------


@dataclass(frozen=True)
class Flow:
    code: str
    capability: str
    title: str
    intro: str
    hint: str = ""
    choose_option: bool = False  # step 2: "Seleziona l'opzione"
    monitor: str = ""

    @property
    def url(self) -> str:
        return reverse(f"dualbilling:{self.code}")

    @property
    def step_url(self) -> str:
        return reverse(f"dualbilling:{self.code}_step")

    def queryset(self, contract):
        if self.code == "enable":
            return selectors.lines(contract=contract)
        if self.code == "options_cease":
            return selectors.lines_with_company_options(contract=contract)
        return selectors.active_lines(contract=contract)

    def table(self, request, contract, params=None):
        cls = EnableTable if self.code == "enable" else LinesTable
        return cls(
            self.queryset(contract),
            request.GET if params is None else params,
            path=self.url,
            session=request.session,
        )


BOTH_HISTORIES = gettext_lazy(
    'La richiesta sarà monitorabile nelle funzioni "Storico pratiche" e "Storico ordini".'
)
FLOWS = {
    "enable": Flow(
        "enable",
        "billing.dual_enable",
        gettext_lazy("Abilitazione SIM al servizio"),
        gettext_lazy(
            "In questa sezione si può chiedere la variazione su una o più linee "
            "dell'autorizzazione all'attivazione del servizio TIM TUO da parte "
            "dell'utilizzatore: seleziona le linee e poi clicca su PROSEGUI. Se vuoi modificare "
            "una singola linea, digita il numero mobile e poi clicca su CERCA. Se la linea è "
            'abilitata ("SI") ma non puoi selezionarla, il servizio TIM TUO deve essere cessato '
            "dalla apposita funzionalità (Cessazione SIM al servizio)."
        ),
        gettext_lazy(
            "Attenzione: la richiesta di blocco all'attivazione (cambiamento dell'abilitazione "
            'da "SI" a "No") è consentita solo sulle linee in abbonamento (PA 8 e PA 8 '
            "PACCHETTO) su cui sia stato preventivamente cessato il servizio TIM TUO. Se nella "
            'colonna "Abilitato" è presente SI, il dipendente utilizzatore della linea può '
            "attivare il servizio; se è presente No, la linea non è abilitata o è bloccata al "
            "servizio."
        ),
        monitor=BOTH_HISTORIES,
    ),
    "options": Flow(
        "options",
        "billing.dual_options",
        gettext_lazy("Attivazione opzioni"),
        gettext_lazy(
            "Seleziona le linee oppure cerca la linea su cui vuoi attivare le opzioni del "
            "servizio TIM TUO e clicca su PROSEGUI."
        ),
        gettext_lazy(
            "Suggerimento: le linee visualizzate sono solo quelle che hanno il servizio TIM TUO "
            "già attivo. Se non visualizzi la linea di tuo interesse, verifica nella sezione "
            'Abilitazione SIM al servizio se è presente "SI".'
        ),
        choose_option=True,
        monitor=BOTH_HISTORIES,
    ),
    "disable": Flow(
        "disable",
        "billing.dual_disable",
        gettext_lazy("Cessazione SIM al servizio"),
        gettext_lazy(
            "In questa sezione si può chiedere la cessazione, su una o più linee, del servizio "
            "TIM TUO. Seleziona le linee su cui cessare il servizio e clicca su PROSEGUI."
        ),
        gettext_lazy(
            "Con linee in abbonamento e ricaricabili viene inviata una richiesta per ciascuna "
            "tipologia. Dopo la cessazione su una linea in abbonamento puoi bloccarla al "
            "servizio in Abilitazione SIM al servizio."
        ),
        monitor=gettext_lazy(
            'La richiesta sarà monitorabile nella funzione "Storico pratiche" per le linee in '
            'abbonamento e nelle funzioni "Storico pratiche" e "Storico ordini" per le linee '
            "ricaricabili."
        ),
    ),
    "options_cease": Flow(
        "options_cease",
        "billing.dual_options_cease",
        gettext_lazy("Cessazione opzioni"),
        gettext_lazy(
            "In questa sezione può essere chiesta la cessazione, su una o più linee, delle "
            "opzioni TIM TUO. Seleziona le linee su cui cessare l'opzione e clicca su PROSEGUI."
        ),
        choose_option=True,
        monitor=BOTH_HISTORIES,
    ),
}
OPERATION = {
    "enable": "dual_enable",
    "options": "dual_options",
    "options_cease": "dual_options_cease",
}


def _crumbs(flow: Flow, *extra):
    return [(MENU, ""), (TIM_TUO, ""), (flow.title, flow.url), *extra]


def _select_page(request, flow: Flow):
    contract = _contract(request)
    table = flow.table(request, contract)
    return render_list(
        request,
        table,
        "dualbilling/select.html",
        {"flow": flow, "title": flow.title, "breadcrumbs": _crumbs(flow)},
    )


def _selected(request, flow: Flow, contract):
    """The ticks of the page just posted (with its query string), then the whole selection."""
    table = flow.table(request, contract)
    if request.method == "POST" and table.page_pks_param in request.POST:
        table.update_selection(request.POST)
    table = flow.table(request, contract, params=QueryDict())
    return table, list(table.selected_queryset().order_by("msisdn"))


def _step_page(request, flow: Flow):
    """PROSEGUI: the request on the selected lines (with the option, for the option flows)."""
    contract = _contract(request)
    table, selected = _selected(request, flow, contract)
    if not selected:
        messages.error(request, _("Seleziona almeno una linea."))
        return redirect(flow.url)
    ids = [str(ln.pk) for ln in selected]
    if flow.code == "disable":
        return _disable(request, flow, table, selected)
    data = QueryDict(mutable=True)
    data.setlist("lines", ids)
    option_posted = "option" in request.POST
    if option_posted:
        data["option"] = request.POST["option"]
    form = operation_form(request, OPERATION[flow.code], data=data)
    if request.method == "POST" and (option_posted or not flow.choose_option):
        if form.is_valid():
            response = start_request(request, form, back_url=flow.url)
            if response:
                table.clear_selection()
                return response
        if not flow.choose_option:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(flow.url)
    choices = form.fields["option"].choices
    if flow.code == "options_cease":
        offered = form.offered(selected)
        choices = [(v, label) for v, label in choices if v in offered]
        form.fields["option"].choices = choices
    if not option_posted:
        form = _unbound_like(form)
    return render(
        request,
        "dualbilling/option.html",
        {
            "flow": flow,
            "form": form,
            "selected": selected,
            "title": flow.title,
            "breadcrumbs": _crumbs(flow, (_("Seleziona l'opzione"), "")),
        },
    )


def _unbound_like(form):
    """The option step shown first: no errors before the user chose."""
    fresh = type(form)(
        operation=form.operation, contract=form.contract, actor=form.actor, line=form.line
    )
    fresh.fields["option"].choices = form.fields["option"].choices
    return fresh


def _disable(request, flow: Flow, table, selected):
    """G-19: one pratica per line type; the subscription lines first, the prepaid ones stay
    ticked for the second request."""
    subscription = [ln for ln in selected if ln.tariff_plan.category in selectors.SUBSCRIPTION]
    prepaid = [ln for ln in selected if ln.tariff_plan.category == selectors.PREPAID]
    batch, operation = (
        (subscription, "dual_disable_subscription")
        if subscription
        else (prepaid, "dual_disable_prepaid")
    )
    data = QueryDict(mutable=True)
    data.setlist("lines", [str(ln.pk) for ln in batch])
    form = operation_form(request, operation, data=data)
    if form.is_valid():
        response = start_request(request, form, back_url=flow.url)
        if response:
            remaining = {str(ln.pk) for ln in selected} - {str(ln.pk) for ln in batch}
            table.clear_selection()
            if remaining:
                table._save_selection(remaining)
                messages.info(
                    request,
                    _(
                        "Le linee ricaricabili selezionate richiedono una pratica a parte: dopo "
                        "l'invio di questa richiesta torna a Cessazione SIM al servizio e clicca "
                        "su PROSEGUI (le linee restano selezionate)."
                    ),
                )
            return response
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(flow.url)


@capability_required("billing.dual_enable")
def enable(request):
    return _select_page(request, FLOWS["enable"])


@capability_required("billing.dual_enable")
def enable_step(request):
    return _step_page(request, FLOWS["enable"])


@capability_required("billing.dual_options")
def options(request):
    return _select_page(request, FLOWS["options"])


@capability_required("billing.dual_options")
def options_step(request):
    return _step_page(request, FLOWS["options"])


@capability_required("billing.dual_disable")
def disable(request):
    return _select_page(request, FLOWS["disable"])


@capability_required("billing.dual_disable")
def disable_step(request):
    return _step_page(request, FLOWS["disable"])


@capability_required("billing.dual_options_cease")
def options_cease(request):
    return _select_page(request, FLOWS["options_cease"])


@capability_required("billing.dual_options_cease")
def options_cease_step(request):
    return _step_page(request, FLOWS["options_cease"])


# --- the employee: Gestisci (F-9.2.1.1) -------------------------------------------------------

MANAGE = gettext_lazy("Gestisci")
WIZARD_KEY = "dualbilling_wizard"


def _own_line(request):
    line = request.portal.line
    if line is None or request.portal.line_contract is None:
        raise Http404
    return line


def _window_title(*parts) -> str:
    """The window's title of an employee's TIM TUO page: the page, then where it sits
    ("Modifica - Gestisci - TIM TUO"); the heading alone ("Gestisci", "Modifica") names no
    service in a browser tab or in the history."""
    return window_title(*parts, TIM_TUO)


def _manage_crumbs(*extra):
    return [(MENU, ""), (TIM_TUO, ""), (MANAGE, reverse("dualbilling:manage")), *extra]


def _tabs(active: str) -> dict:
    items = [
        ("manage", _("Associa/Modifica"), "dualbilling:manage"),
        ("report", _("Reportistica"), "dualbilling:report"),
    ]
    return {"tabs": tabs(items, active=active), "tabs_label": TIM_TUO}


def _pending_activation(request, line):
    return (
        open_cases(contract=line.contract, operations=forms.EMPLOYEE_ACTIVATIONS)
        .filter(line=line)
        .order_by("-opened_at")
        .first()
    )


@capability_required("myline.dual_manage")
def manage(request):
    """The three states: empty (not enabled), the number alone ("Associa"), the number with
    the personal data ("Modifica")."""
    line = _own_line(request)
    billing = selectors.own_billing(request.portal)
    pending = None if billing else _pending_activation(request, line)
    return render(
        request,
        "dualbilling/manage.html",
        {
            "line": line,
            "billing": billing,
            "enabled": line.dual_billing_enabled,
            "pending": pending,
            **_tabs("manage"),
            "title": MANAGE,
            "document_title": _window_title(_("Associa/Modifica"), MANAGE),
            "breadcrumbs": _manage_crumbs((_("Associa/Modifica"), "")),
        },
    )


@capability_required("myline.dual_manage")
def report(request):
    _own_line(request)
    table = ReportTable.from_request(request, selectors.history(request.portal))
    return render_list(
        request,
        table,
        "dualbilling/report.html",
        {
            **_tabs("report"),
            "title": MANAGE,
            "document_title": _window_title(_("Reportistica"), MANAGE),
            "breadcrumbs": _manage_crumbs((_("Reportistica"), "")),
        },
    )


# --- the activation wizard (F-9.2.1.1.1) and its reuse by the changes (F-9.2.1.1.2) ----------


def _state(request) -> dict:
    return request.session.get(WIZARD_KEY) or {}


def _save(request, state: dict) -> None:
    request.session[WIZARD_KEY] = state


def _wizard_page(request, template: str, step_title, ctx: dict):
    return render(
        request,
        template,
        {
            **ctx,
            "title": step_title,
            "document_title": _window_title(step_title, _("Attivazione")),
            "breadcrumbs": _manage_crumbs((_("Attivazione"), "")),
        },
    )


def _activation_allowed(request):
    line = _own_line(request)
    if not line.dual_billing_enabled or selectors.own_billing(request.portal) is not None:
        messages.error(
            request,
            _("L'attivazione non è disponibile: verifica lo stato del servizio nella tabella."),
        )
        return None
    return line


@capability_required("myline.dual_manage")
def activate(request):
    """Step 1: the personal CF (MODIFICA changes it, and with it the registration data)."""
    if _activation_allowed(request) is None:
        return redirect("dualbilling:manage")
    user = request.user
    form = forms.FiscalCodeStep(
        request.POST if request.method == "POST" else None,
        initial={"fiscal_code": user.fiscal_code},
    )
    editing = request.method == "POST" or "modifica" in request.GET or not user.fiscal_code
    if request.method == "POST" and form.is_valid():
        cf = form.cleaned_data["fiscal_code"]
        if cf != user.fiscal_code:
            user_personal_data_update(
                request=request,
                user=user,
                first_name=user.first_name,
                last_name=user.last_name,
                fiscal_code=cf,
            )
        known = record_selectors.person_by_fiscal_code(fiscal_code=cf)
        _save(request, {"flow": "activation", "fiscal_code": cf, "known": known or {}})
        return redirect("dualbilling:activate_person")
    return _wizard_page(
        request,
        "dualbilling/step_cf.html",
        _("Inserimento dei dati personali"),
        {"form": form, "editing": editing, "step": 1},
    )


def _need(request, *keys):
    state = _state(request)
    if state.get("flow") != "activation" or any(k not in state for k in keys):
        return None
    return state


@capability_required("myline.dual_manage")
def activate_person(request):
    state = _need(request, "fiscal_code")
    if state is None or _activation_allowed(request) is None:
        return redirect("dualbilling:activate")
    known = state.get("known") or {}
    initial = {
        "first_name": known.get("first_name") or request.user.first_name,
        "last_name": known.get("last_name") or request.user.last_name,
    }
    form = forms.PersonStep(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        state.update(form.cleaned_data)
        _save(request, state)
        return redirect("dualbilling:activate_address")
    return _wizard_page(
        request,
        "dualbilling/step_person.html",
        _("Inserimento dei dati personali"),
        {"form": form, "fiscal_code": state["fiscal_code"], "known": bool(known), "step": 1},
    )


@capability_required("myline.dual_manage")
def activate_address(request):
    state = _need(request, "fiscal_code", "first_name")
    if state is None or _activation_allowed(request) is None:
        return redirect("dualbilling:activate")
    initial = state.get("address") or (state.get("known") or {}).get("address") or {}
    form = forms.AddressStep(request.POST if request.method == "POST" else None, initial=initial)
    if request.method != "POST":
        form.initial_city()
        form.address_choices()
    if request.method == "POST" and form.is_valid():
        state["address"] = form.address_payload()
        _save(request, state)
        return redirect("dualbilling:activate_payment")
    return _wizard_page(
        request,
        "dualbilling/step_address.html",
        _("Indirizzo di recapito della fattura"),
        {"form": form, "step": 2},
    )


@capability_required("myline.dual_manage")
def activate_payment(request):
    state = _need(request, "address")
    if state is None or _activation_allowed(request) is None:
        return redirect("dualbilling:activate")
    form = forms.PaymentStep(
        request.POST if request.method == "POST" else None,
        initial={"method": state.get("method")},
    )
    if request.method == "POST" and form.is_valid():
        state["method"] = form.cleaned_data["method"]
        state.pop("mandate", None)
        state.pop("card_payment", None)
        _save(request, state)
        if state["method"] == DualBilling.PaymentMethod.BANK:
            return redirect("dualbilling:iban")
        if state["method"] == DualBilling.PaymentMethod.CARD:
            holder = f"{state['first_name']} {state['last_name']}"
            return _card_start(request, holder=holder)
        return redirect("dualbilling:activate_accept")
    return _wizard_page(
        request,
        "dualbilling/step_payment.html",
        _("Modalità di pagamento"),
        {"form": form, "step": 3},
    )


def _iban_state(request):
    state = _state(request)
    if state.get("flow") == "activation" and state.get("method") == DualBilling.PaymentMethod.BANK:
        return state
    if state.get("flow") == "change" and state.get("op") in ("dual_iban", "dual_to_bank"):
        return state
    return None


@capability_required("myline.dual_manage")
def iban(request):
    """Bank direct debit, page 1: the IBAN of an Italian current account."""
    _own_line(request)
    state = _iban_state(request)
    if state is None:
        return redirect("dualbilling:manage")
    form = forms.IbanStep(
        request.POST if request.method == "POST" else None, initial={"iban": state.get("iban")}
    )
    if request.method == "POST" and form.is_valid():
        state["iban"] = form.cleaned_data["iban"]
        _save(request, state)
        return redirect("dualbilling:mandate")
    return _wizard_page(
        request,
        "dualbilling/step_iban.html",
        _("Domiciliazione bancaria/postale"),
        {"form": form, "step": 3, "change": state["flow"] == "change"},
    )


def _address_text(a: dict) -> str:
    from .operations import _address_text as text

    return text(a)


@capability_required("myline.dual_manage")
def mandate(request):
    """Bank direct debit, page 2: the signatory (the employee) and the account holder."""
    _own_line(request)
    state = _iban_state(request)
    if state is None or "iban" not in state:
        return redirect("dualbilling:manage")
    user = request.user
    first = state.get("first_name") or user.first_name.upper()
    last = state.get("last_name") or user.last_name.upper()
    cf = state.get("fiscal_code") or user.fiscal_code
    initial = {
        "signatory_first_name": first,
        "signatory_last_name": last,
        "signatory_fiscal_code": cf,
        "holder_first_name": first,
        "holder_last_name": last,
        "holder_fiscal_code": cf,
        **(state.get("address") or {}),
    }
    form = forms.MandateStep(request.POST if request.method == "POST" else None, initial=initial)
    if request.method != "POST":
        form.initial_city()
        form.address_choices()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        state["mandate"] = {
            "iban": state["iban"],
            "signatory_first_name": d["signatory_first_name"],
            "signatory_last_name": d["signatory_last_name"],
            "signatory_fiscal_code": d["signatory_fiscal_code"],
            "holder_first_name": d["holder_first_name"],
            "holder_last_name": d["holder_last_name"],
            "holder_fiscal_code": d["holder_fiscal_code"],
            "holder_address": _address_text(form.address_payload()),
        }
        _save(request, state)
        if state["flow"] == "change":
            return _file_change(request, state["op"], state["mandate"])
        return redirect("dualbilling:activate_accept")
    return _wizard_page(
        request,
        "dualbilling/step_mandate.html",
        _("Domiciliazione bancaria/postale"),
        {"form": form, "step": 3},
    )


@capability_required("myline.dual_manage")
def conditions(request):
    """ "Condizioni relative al servizio TIM TUO": downloading them is marked in the wizard."""
    _own_line(request)
    state = _state(request)
    if state.get("flow") == "activation":
        state["conditions_downloaded"] = True
        _save(request, state)
    pdf = render_pdf("dualbilling/pdf/conditions.html", {"today": timezone.localdate()})
    return pdf_response(pdf, "condizioni-servizio-tim-tuo.pdf")


ACTIVATION_OPERATION = {
    DualBilling.PaymentMethod.BANK: "dual_sub_bank",
    DualBilling.PaymentMethod.POSTAL: "dual_sub_postal",
    DualBilling.PaymentMethod.CARD: "dual_sub_card",
}


@capability_required("myline.dual_manage")
def activate_accept(request):
    """ "Verifica o inserisci i dati": completion SMS, the conditions (downloaded and
    accepted), then "Conferma dei dati" with the summary PDF."""
    state = _need(request, "address", "method")
    if state is None or _activation_allowed(request) is None:
        return redirect("dualbilling:activate")
    bank = state["method"] == DualBilling.PaymentMethod.BANK
    if bank and "mandate" not in state:
        return redirect("dualbilling:iban")
    if state["method"] == DualBilling.PaymentMethod.CARD and "card_payment" not in state:
        return redirect("dualbilling:activate_payment")
    form = forms.AcceptanceStep(
        request.POST if request.method == "POST" else None,
        conditions_downloaded=bool(state.get("conditions_downloaded")),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = {
            "fiscal_code": state["fiscal_code"],
            "first_name": state["first_name"],
            "last_name": state["last_name"],
            **state["address"],
            "sms_number": d["sms_number"],
            "conditions": "on",
            "email": request.user.email,
            **(state.get("mandate") or {}),
        }
        if state.get("card_payment"):
            data["card_payment"] = state["card_payment"]
        op_form = operation_form(request, ACTIVATION_OPERATION[state["method"]], data=data)
        if op_form.is_valid():
            response = start_request(request, op_form, back_url=reverse("dualbilling:manage"))
            if response:
                request.session.pop(WIZARD_KEY, None)
                return response
        for errors in op_form.errors.values():
            for error in errors:
                form.add_error(None, error)
    return _wizard_page(
        request,
        "dualbilling/step_accept.html",
        _("Verifica o inserisci i dati"),
        {
            "form": form,
            "conditions_downloaded": bool(state.get("conditions_downloaded")),
            "step": 4,
        },
    )


# --- Monitoraggio e modifica (F-9.2.1.1.2) ---------------------------------------------------

EDIT = gettext_lazy("Modifica")
CHANGE_OPERATION = {
    DualBilling.PaymentMethod.BANK: "dual_to_bank",
    DualBilling.PaymentMethod.POSTAL: "dual_to_postal",
}


def _own_billing(request) -> DualBilling | None:
    _own_line(request)
    billing = selectors.own_billing(request.portal)
    return billing if billing is not None and billing.state == "ATTIVO" else None


def _file_change(request, operation: str, mandate: dict | None = None, form_errors=None):
    data = dict(mandate or {})
    form = operation_form(request, operation, data=data)
    if form.is_valid():
        response = start_request(request, form, back_url=reverse("dualbilling:edit"))
        if response:
            request.session.pop(WIZARD_KEY, None)
            return response
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("dualbilling:edit")


@capability_required("myline.dual_manage")
def edit(request):
    billing = _own_billing(request)
    if billing is None:
        messages.error(request, _("Il servizio TIM TUO non è attivo sulla tua linea."))
        return redirect("dualbilling:manage")
    payment = forms.PaymentStep(
        request.POST if request.POST.get("form") == "payment" else None,
        exclude=billing.payment_method,
        prefix="payment",
    )
    a = billing.invoice_address
    initial = {
        "holder_first_name": billing.holder_first_name,
        "holder_last_name": billing.holder_last_name,
        "holder_fiscal_code": billing.holder_fiscal_code,
    }
    if a is not None:
        initial.update(
            {
                k: getattr(a, k)
                for k in ("toponym", "street", "number", "hamlet", "province", "city", "cap")
            }
        )
    bound = request.POST.get("form") == "billing"
    data_form = operation_form(request, "dual_billing_data", initial=initial) if bound else None
    if data_form is None:
        data_form = forms.BillingDataForm(
            initial=initial,
            operation="dual_billing_data",
            contract=request.portal.line_contract,
            actor=request.user,
            line=request.portal.line,
        )
        data_form.initial_city()
        data_form.address_choices()
    if request.method == "POST":
        if request.POST.get("form") == "payment" and payment.is_valid():
            method = payment.cleaned_data["method"]
            if method == DualBilling.PaymentMethod.BANK:
                _save(request, {"flow": "change", "op": "dual_to_bank"})
                return redirect("dualbilling:iban")
            if method == DualBilling.PaymentMethod.CARD:
                _save(request, {"flow": "change", "op": "dual_to_card"})
                holder = f"{billing.holder_first_name} {billing.holder_last_name}"
                return _card_start(request, holder=holder)
            return _file_change(request, CHANGE_OPERATION[method])
        if request.POST.get("form") == "iban" and billing.payment_method == "BANCA":
            _save(request, {"flow": "change", "op": "dual_iban"})
            return redirect("dualbilling:iban")
        if bound and data_form.is_valid():
            response = start_request(request, data_form, back_url=reverse("dualbilling:edit"))
            if response:
                return response
    return render(
        request,
        "dualbilling/edit.html",
        {
            "billing": billing,
            "payment_form": payment,
            "data_form": data_form,
            "open_section": request.POST.get("form", ""),
            "title": EDIT,
            "document_title": _window_title(EDIT, MANAGE),
            "breadcrumbs": _manage_crumbs((EDIT, "")),
        },
    )


# --- La mia fattura (F-9.2.1.2) ---------------------------------------------------------------

INVOICE = gettext_lazy("La mia fattura")


@capability_required("myline.dual_invoice")
def invoices(request):
    line = _own_line(request)
    billing = selectors.own_billing(request.portal) or selectors.history(request.portal).first()
    last = list(selectors.last_invoices(request.portal).values_list("pk", flat=True))
    qs = record_selectors.personal_invoices_for_portal(ctx=request.portal).filter(pk__in=last)
    table = PersonalInvoiceTable.from_request(request, qs)
    email_form = EmailChangeForm(user=request.user)
    return render_list(
        request,
        table,
        "dualbilling/invoices.html",
        {
            "line": line,
            "billing": billing,
            "email_form": email_form,
            "title": INVOICE,
            "document_title": _window_title(INVOICE),
            "breadcrumbs": [(MENU, ""), (TIM_TUO, ""), (INVOICE, "")],
        },
    )


@capability_required("myline.dual_invoice")
@require_POST
def invoice_email(request):
    """ "MODIFICA EMAIL": the same change as "Dati personali" (F-6, G-49): an SMS code
    first, then the 48-hour link to the new address, which becomes the registration e-mail
    too (G-08); the user comes back here."""
    _own_line(request)
    form = EmailChangeForm(request.POST, user=request.user)
    if form.is_valid():
        response = email_change_start(request, form=form, back="dualbilling:invoices")
        if response:
            return response
    line = _own_line(request)
    billing = selectors.own_billing(request.portal) or selectors.history(request.portal).first()
    last = list(selectors.last_invoices(request.portal).values_list("pk", flat=True))
    qs = record_selectors.personal_invoices_for_portal(ctx=request.portal).filter(pk__in=last)
    table = PersonalInvoiceTable.from_request(request, qs)
    return render(
        request,
        "dualbilling/invoices.html",
        {
            "table": table,
            "line": line,
            "billing": billing,
            "email_form": form,
            "email_open": True,
            "title": INVOICE,
            "document_title": _window_title(INVOICE),
            "breadcrumbs": [(MENU, ""), (TIM_TUO, ""), (INVOICE, "")],
        },
    )


@capability_required("myline.dual_invoice")
def invoice_pdf(request, pk: int):
    from portale.billing.selectors import invoice_pdf_bytes

    _own_line(request)
    last = selectors.last_invoices(request.portal).values_list("pk", flat=True)
    invoice = get_object_or_404(
        record_selectors.personal_invoices_for_portal(ctx=request.portal), pk=pk, pk__in=list(last)
    )
    return pdf_response(invoice_pdf_bytes(invoice=invoice), f"fattura-{invoice.number}.pdf")


@capability_required("myline.dual_manage")
def comuni(request):
    """The P-27 "Comune" drop-down of the employee's address pages: the company pages'
    reference data, for the employee's capability."""
    from portale.company.views import comuni_json

    return comuni_json.__wrapped__(request)


# --- card direct debit through the PSP's hosted page (payments: card mandate) ------------------


def _card_state(request):
    state = _state(request)
    if state.get("flow") == "activation" and state.get("method") == DualBilling.PaymentMethod.CARD:
        return state
    if state.get("flow") == "change" and state.get("op") == "dual_to_card":
        return state
    return None


def _card_start(request, *, holder: str):
    """To the provider's page (PSD2: 3-D Secure when the issuer asks); nothing is charged."""
    from portale.payments.services import mandate_start

    line = _own_line(request)
    start = mandate_start(
        user=request.user,
        purpose=forms.CARD_PURPOSE,
        description=_("Domiciliazione TIM TUO linea %(msisdn)s") % {"msisdn": line.msisdn},
        return_url=reverse("dualbilling:card_result"),
        holder=holder.title(),
        reference={"line_id": line.pk},
    )
    return redirect(start.redirect_url)


@capability_required("myline.dual_manage")
def card_result(request):
    """Back from the provider: the card's data (holder, type, expiry, masked number) and
    AVANTI; a refused or cancelled registration sends the user back to choose again."""
    from portale.payments.selectors import payment_of_user

    _own_line(request)
    state = _card_state(request)
    token = request.GET.get("pagamento", "")
    if not token:
        return redirect("dualbilling:manage")
    payment = payment_of_user(user=request.user, token=token, purpose=forms.CARD_PURPOSE)
    if payment is None:
        raise Http404  # malformed, unknown or another user's
    if state is None:
        return redirect("dualbilling:manage")
    confirmed = payment.status == "confirmed"
    if confirmed and state.get("card_payment") != str(payment.token):
        state["card_payment"] = str(payment.token)
        _save(request, state)
    change = state["flow"] == "change"
    if request.method == "POST" and confirmed and change:
        return _file_change(request, "dual_to_card", {"card_payment": str(payment.token)})
    back = reverse("dualbilling:edit") if change else reverse("dualbilling:activate_payment")
    return render(
        request,
        "dualbilling/card_result.html",
        {
            "payment": payment,
            "confirmed": confirmed,
            "waiting": payment.status in ("waiting", "input"),
            "change": change,
            "back_url": back,
            "title": _("Domiciliazione su carta di credito"),
            "breadcrumbs": _manage_crumbs((_("Domiciliazione su carta di credito"), "")),
        },
    )
