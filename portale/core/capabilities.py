"""The capability registry (DESIGN §5.1): every guide function → the profiles allowed.

Menus, home widgets, URL guards and the access tests all read this one table. A function
is shown in a menu only once a view implements it (``url_name`` resolves), so the registry
can declare the whole guide ahead of the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .context import PortalContext


class Profile(StrEnum):
    ROA = "ROA"  # Referente Operativo dell'Amministrazione / Master
    MAN = "MAN"  # Mandatario: ROA-equivalent delegate (G-03)
    EB = "EB"  # Referente eBill (Telereferente)
    TM = "TM"  # Traffic manager
    MSG = "MSG"  # Referente di Messaggistica
    DIP = "DIP"  # Dipendente / End user: has an active line
    STAFF = "STAFF"  # the operator's back-office staff
    USER = "USER"  # any registered user, even one the records give no other profile


# Profile groups used in the table below.
REFERENT = frozenset({Profile.ROA, Profile.MAN})
ANY_REFERENT = frozenset({Profile.ROA, Profile.MAN, Profile.EB, Profile.TM, Profile.MSG})
EVERYONE = ANY_REFERENT | {Profile.DIP}
INVENTORY = REFERENT | {Profile.EB}
THRESHOLDS = REFERENT | {Profile.TM}
EMPLOYEE = frozenset({Profile.DIP})
ANY_USER = frozenset({Profile.USER})


@dataclass(frozen=True)
class Menu:
    code: str
    label: str


MENUS: list[Menu] = [
    Menu("lines", _("Linee e listino")),
    Menu("requests", _("Pratiche e richieste")),
    Menu("billing", _("Fatturazione e traffico")),
    Menu("thresholds", _("Gestione soglie")),
    Menu("advanced", _("Servizi avanzati")),
    Menu("support", _("Assistenza")),
    Menu("user", _("Utente")),
    Menu("backoffice", _("Back office")),
]


def _prepaid_line(ctx: PortalContext) -> bool:
    return ctx.own_line is not None and ctx.own_line.prepaid


def _subscription_line(ctx: PortalContext) -> bool:
    return ctx.own_line is not None and not ctx.own_line.prepaid


def _provisioned(*codes: str) -> Callable[[PortalContext], bool]:
    """G-37: an advanced service shows only if the selected contract has it (SAC code)."""

    def condition(ctx: PortalContext) -> bool:
        return bool(ctx.service_codes & set(codes))

    return condition


@dataclass(frozen=True)
class Capability:
    code: str
    section: str  # the guide's paragraph, e.g. "7.2.1"
    label: str
    menu: str
    profiles: frozenset[Profile]
    url_name: str | None = None
    group: str = ""  # sub-menu heading, e.g. "Gestione SIM"
    widget: bool = False  # may be placed on the home page (F-5)
    condition: Callable[[PortalContext], bool] | None = field(default=None, compare=False)
    # A function the contract does not have (G-37) does not exist for it: 404, not 403.
    absent_is_404: bool = False
    # The link opens another system in a new window through the hand-off (P-11,
    # ``core/handoff.py``): menus add target=_blank and the guide's pop-up hint.
    new_window: bool = False
    # The page is a file made on request (a PDF): its links say "Preparazione in corso…".
    prepares_file: bool = False
    widget_label: str = ""  # the widget's title when it differs from the menu's label

    def allows(self, ctx: PortalContext) -> bool:
        if not (self.profiles & ctx.profiles):
            return False
        return self.condition is None or self.condition(ctx)

    @property
    def url(self) -> str | None:
        if not self.url_name:
            return None
        # Every page frame asks the menus' ~70 URLs: reversed once per URLconf and prefix.
        key = (self.url_name, get_script_prefix(), get_urlconf())
        url = _URLS.get(key)
        if url is None:
            try:
                url = _URLS[key] = reverse(self.url_name)
            except NoReverseMatch:
                return None
        return url


_URLS: dict[tuple, str] = {}


C = Capability
_GESTIONE_SIM = _("Gestione SIM")
_RICARICHE = _("Gestione ricariche")
_EBILL = _("Servizio eBill")
_TIMTUO = _("TIM TUO")
_MY_LINE = _("La mia linea")
_CONTACTS = _("Contatti")
_TECH = _("Assistenza tecnica")

# One line a function: the table reads like the guide's index.
# fmt: off
REGISTRY: dict[str, Capability] = {
    c.code: c
    for c in [
        # §5-6: home and personal data, every registered user
        C("home", "5", _("Home"), "user", ANY_USER, "home:index"),
        C("personal_data", "6", _("Dati personali"), "user", ANY_USER, "accounts:personal_data"),
        # §7.1 company data
        C("company.profile", "7.1.1", _("Profilo aziendale"), "user", REFERENT, "company:profile", widget=True),
        C("company.referents", "7.1.2", _("Gestione referenti"), "user", REFERENT, "company:referents", widget=True),
        C("company.addresses", "7.1.3", _("Dati contratto e indirizzi"), "user", REFERENT, "company:addresses"),
        # §7.2 lines and price list
        C("inventory.aggregate", "7.2.1", _("Consistenze aggregate"), "lines", INVENTORY, "inventory:aggregate", widget=True),
        C("inventory.detail", "7.2.2", _("Consistenze di dettaglio"), "lines", INVENTORY, "inventory:detail", widget=True),
        C("inventory.price_list", "7.2.3", _("Visualizza Listino"), "lines", EVERYONE, "inventory:price_list", widget=True, prepares_file=True),
        C("inventory.exports", "7.2.4", _("I miei Export"), "lines", INVENTORY, "inventory:exports", widget=True),
        C("myline.sim", "9.1.1", _("La mia SIM"), "lines", EMPLOYEE, "myline:sim", _MY_LINE, widget=True),
        C("myline.recharge", "9.1.2", _("Ricarica personale"), "lines", EMPLOYEE, "myline:recharge", _MY_LINE, True, _prepaid_line),
        C("myline.recharges", "9.1.3", _("Storico ricariche personali"), "lines", EMPLOYEE, "myline:recharges", _MY_LINE, True, _prepaid_line),
        C("myline.sim_change", "9.1.4", _("Cambio carta SIM"), "lines", EMPLOYEE, "myline:sim_change", _MY_LINE),
        # §7.3 requests
        C("cases.history", "7.3.1", _("Storico pratiche"), "requests", REFERENT, "cases:history", widget=True),
        C("cases.orders", "7.3.2", _("Storico ordini"), "requests", REFERENT, "cases:orders", widget=True),
        C("sim.recharge_mode", "7.3.3", _("Conferma / Rinuncia ricariche"), "requests", REFERENT, "sim:recharge_mode", _RICARICHE),
        C("sim.company_recharge", "7.3.4", _("Ricarica aziendale con addebito in fattura"), "requests", REFERENT, "sim:company_recharge", _RICARICHE),
        C("sim.bundle_flags", "7.3.5", _("Abilitazione over/extra bundle"), "requests", REFERENT, "sim:bundle_flags", _GESTIONE_SIM),
        C("sim.deferred_activation", "7.3.6", _("Attivazione differita SIM"), "requests", REFERENT, "sim:deferred_activation", _GESTIONE_SIM),
        C("sim.block", "7.3.7", _("Blocco/sblocco carta SIM"), "requests", REFERENT, "sim:block", _GESTIONE_SIM),
        C("sim.change", "7.3.8", _("Cambio carta SIM"), "requests", REFERENT, "sim:change", _GESTIONE_SIM),
        C("sim.network_services", "7.3.9", _("Gestione servizi di Rete"), "requests", REFERENT, "sim:network_services", _GESTIONE_SIM),
        C("sim.rif_profile", "7.3.10", _("Gestione profilo RIF"), "requests", REFERENT, "sim:rif_profile", _GESTIONE_SIM),
        C("sim.hot_stock", "7.3.11", _("Reintegro scorta calda di SIM"), "requests", REFERENT, "sim:hot_stock", _GESTIONE_SIM),
        C("sim.cessation", "7.3.12", _("Cessazione SIM"), "requests", REFERENT, "sim:cessation", _GESTIONE_SIM),
        C("sim.imei_block", "7.3.13", _("Blocco apparato con e senza IMEI"), "requests", REFERENT, "sim:imei_block"),
        # §7.4 billing and traffic
        C("billing.invoices", "7.4.1", _("Fatture aziendali"), "billing", INVENTORY, "billing:invoices", widget=True),
        C("billing.ebill", "7.4.2", _("Accedi a eBill"), "billing", INVENTORY, "ebill:open", _EBILL, new_window=True),
        C("billing.ebill_subscriptions", "7.4.3", _("Traffico on line abbonamenti"), "billing", INVENTORY, "ebill:open_subscriptions", _EBILL, new_window=True),
        C("billing.ebill_prepaid", "7.4.4", _("Traffico on line ricaricabili"), "billing", INVENTORY, "ebill:open_prepaid", _EBILL, new_window=True),
        C("billing.dual_enable", "7.4.5", _("Abilitazione SIM al servizio"), "billing", REFERENT, "dualbilling:enable", _TIMTUO, widget=True),
        C("billing.dual_options", "7.4.6", _("Attivazione Opzioni"), "billing", REFERENT, "dualbilling:options", _TIMTUO),
        C("billing.dual_disable", "7.4.7", _("Cessazione SIM al servizio"), "billing", REFERENT, "dualbilling:disable", _TIMTUO),
        C("billing.dual_options_cease", "7.4.8", _("Cessazione Opzioni"), "billing", REFERENT, "dualbilling:options_cease", _TIMTUO),
        C("billing.tem", "7.4.9", _("Modulo TEM"), "billing", INVENTORY, "billing:tem", new_window=True),
        C("myline.dual_manage", "9.2.1.1", _("Gestisci"), "billing", EMPLOYEE, "dualbilling:manage", _TIMTUO, True, _subscription_line, widget_label=_("TIM Tuo abbonamento")),
        C("myline.dual_invoice", "9.2.1.2", _("La mia fattura"), "billing", EMPLOYEE, "dualbilling:invoices", _TIMTUO, True, _subscription_line),
        C("myline.dual_packages", "9.2.1.3", _("Pacchetti/Plafond"), "billing", EMPLOYEE, "myline:dual_packages", _TIMTUO, True, _prepaid_line),
        C("myline.consumption", "9.2.2", _("Riepilogo consumi personali"), "billing", EMPLOYEE, "myline:consumption", widget=True),
        C("myline.service_sms", "9.2.3", _("SMS di servizio"), "billing", EMPLOYEE, "myline:service_sms", widget=True),
        # §7.5 thresholds
        C("thresholds.activate", "7.5.1", _("Attivazione soglie di spesa"), "thresholds", THRESHOLDS, "thresholds:activate"),
        C("thresholds.change", "7.5.2", _("Variazione soglie di spesa"), "thresholds", THRESHOLDS, "thresholds:change"),
        C("thresholds.roaming", "7.5.3", _("Variazione soglie Dati Roaming Extra UE"), "thresholds", THRESHOLDS, "thresholds:roaming"),
        C("thresholds.cease", "7.5.4", _("Cessazione soglie di spesa"), "thresholds", THRESHOLDS, "thresholds:cease"),
        C("thresholds.monitoring", "7.5.5", _("Monitoring soglie"), "thresholds", THRESHOLDS, "thresholds:monitoring", widget=True),
        C("thresholds.notifications", "7.5.6", _("Visualizzazione cronologia notifiche"), "thresholds", THRESHOLDS, "thresholds:notifications"),
        # §7.6 advanced services: only those the contract has (G-37)
        C("services.emm", "7.6.1", _("Accesso a EMM"), "advanced", REFERENT, "services:emm", condition=_provisioned("EMM"), absent_is_404=True),
        C("services.fleet", "7.6.2", _("Accesso a Fleet management"), "advanced", REFERENT, "services:fleet", condition=_provisioned("FLEET"), absent_is_404=True),
        C("services.messaging", "7.6.3", _("Accesso ai servizi di messaggistica"), "advanced", REFERENT | {Profile.MSG}, "services:messaging", condition=_provisioned("MESSAGING"), absent_is_404=True),
        C("services.mobile_payment", "7.6.4", _("Accesso al servizio di Mobile Payment"), "advanced", REFERENT, "services:mobile_payment", condition=_provisioned("MOBILE_PAYMENT"), absent_is_404=True),
        C("services.smart_working", "7.6.5", _("Accesso al servizio Smart working"), "advanced", REFERENT, "services:smart_working", condition=_provisioned("SMART_WORKING"), absent_is_404=True),
        C("services.smas", "7.6.6", _("Accesso a SMAS (Net Profiler)"), "advanced", REFERENT, "services:smas", condition=_provisioned("SMAS"), absent_is_404=True),
        C("services.smas_support", "7.6.7", _("Assistenza su SMAS (Net Profiler)"), "advanced", REFERENT, "services:smas_support", condition=_provisioned("SMAS"), absent_is_404=True),
        C("services.smas_reset", "7.6.8", _("Reset credenziali SMAS"), "advanced", REFERENT, "services:smas_reset", condition=_provisioned("SMAS"), absent_is_404=True),
        # §7.7 assistance (G-04)
        C("support.contacts", "7.7.1", _("Contatti"), "support", EVERYONE, "support:contacts", _CONTACTS),
        C("support.chat", "7.7.2", _("Chat"), "support", EVERYONE, "support:chat", _CONTACTS),
        C("support.callback", "7.7.3", _("Prenota una chiamata"), "support", EVERYONE, "support:callback", _CONTACTS),
        C("support.write", "7.7.4", _("Scrivici"), "support", EVERYONE, "support:write", _CONTACTS),
        C("support.terminals", "7.7.5", _("Configurazione sui terminali"), "support", REFERENT, "support:terminals", _TECH),
        C("support.devices", "7.7.6", _("Assistenza su Apparati"), "support", REFERENT, "support:devices", _TECH),
        C("support.tickets", "7.7.7", _("Monitoraggio Ticket"), "support", REFERENT, "support:tickets", _TECH, True),
        C("support.service_points", "7.7.8", _("Geolocalizzazione Punti di Assistenza (PDA)"), "support", REFERENT | {Profile.DIP}, "support:service_points", _TECH),
        C("support.web_services", "7.7.9", _("Assistenza sui servizi web"), "support", EVERYONE, "support:web_services", _TECH),
        C("support.manuals", "7.7.10", _("Manuali"), "support", EVERYONE, "support:manuals"),
        # the operator's back office
        C("backoffice.queue", "BO", _("Console operatore"), "backoffice", frozenset({Profile.STAFF}), "backoffice:index"),
    ]
}
# fmt: on


def get(code: str) -> Capability:
    return REGISTRY[code]


def allowed(ctx: PortalContext) -> list[Capability]:
    return [c for c in REGISTRY.values() if c.allows(ctx)]


def menu_key(ctx: PortalContext) -> str:
    """What the user's top menu depends on: the codes of the menu functions they may use.
    Users with the same key see the same menu (the frame caches it by this key)."""
    return ",".join(
        c.code for c in REGISTRY.values() if c.menu != "user" and c.url_name and c.allows(ctx)
    )


def menu_for(ctx: PortalContext) -> list[dict]:
    """The top menu of a user: the union of what each of their profiles allows (P-01).

    Only implemented functions appear; a menu with nothing in it is left out. Built once
    per process for each ``menu_key`` (and URL prefix and conf).
    """
    return _menu(menu_key(ctx), get_script_prefix(), get_urlconf(), get_language())


_MENUS: dict[tuple, list[dict]] = {}
_MENU_URLS: dict[tuple, frozenset[str]] = {}


def menu_urls() -> frozenset[str]:
    """Every URL a menu may link to (the home included): the paths a menu marks current."""
    key = (get_script_prefix(), get_urlconf())
    urls = _MENU_URLS.get(key)
    if urls is None:
        urls = frozenset(u for c in REGISTRY.values() if (u := c.url)) | {reverse("home:index")}
        _MENU_URLS[key] = urls
    return urls


def _menu(key: str, prefix: str, urlconf, language) -> list[dict]:
    cache_key = (key, prefix, urlconf, language)
    menu_list = _MENUS.get(cache_key)
    if menu_list is not None:
        return menu_list
    allowed_codes = set(key.split(","))
    out = []
    for menu in MENUS:
        if menu.code == "user":
            continue
        items = [
            (c, c.url) for c in REGISTRY.values() if c.menu == menu.code and c.code in allowed_codes
        ]
        items = [(c, url) for c, url in items if url]
        if not items:
            continue
        groups: dict[str, list[dict]] = {}
        for cap, url in items:
            groups.setdefault(str(cap.group), []).append({"cap": cap, "url": url})
        out.append({"menu": menu, "groups": list(groups.items())})
    _MENUS[cache_key] = out
    return out


def capability_required(code: str) -> Callable:
    """Guard a view with a registry entry: anonymous → login, not allowed → 403.

    The code is stored on the view so the access tests can check every URL is guarded.
    """
    cap = REGISTRY[code]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not cap.allows(request.portal):
                if cap.absent_is_404 and cap.profiles & request.portal.profiles:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.capability = code
        return wrapped

    return decorator


def public_view(view: Callable) -> Callable:
    """Mark a view as open to anonymous visitors (the access test requires a mark on every view)."""
    view.access = "public"
    return view


def login_only(view: Callable) -> Callable:
    """Mark a view as open to any logged-in user, whatever their profiles."""
    from django.contrib.auth.decorators import login_required

    wrapped = login_required(view)
    wrapped.access = "login"
    return wrapped


def codes(caps: Iterable[Capability]) -> set[str]:
    return {c.code for c in caps}
