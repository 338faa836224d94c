"""The private home (F-5): greeting, last access, contract selector, widgets, help boxes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.core.capabilities import Profile, capability_required

from .forms import WidgetsForm
from .widgets import has_saved_widgets, widget_catalogue, widgets_for, widgets_save


def greeting(now=None) -> str:
    """G-57: "Buongiorno" 05:00-13:59, "Buon pomeriggio" 14:00-17:59, "Buonasera" otherwise."""
    hour = timezone.localtime(now).hour
    if 5 <= hour < 14:
        return str(_("Buongiorno"))
    if 14 <= hour < 18:
        return str(_("Buon pomeriggio"))
    return str(_("Buonasera"))


def _first_url(*names) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def help_boxes(ctx) -> list[dict]:
    support = ""
    if ctx.can("support.contacts"):
        support = _first_url("support:index", "support:contacts")
    return [
        {
            "title": _("NEWS"),
            "text": _("Le news di interesse per gli utenti registrati."),
            "url": _first_url("public:member_news", "public:news", "public:news_list"),
        },
        {
            "title": _("ASSISTENZA"),
            "text": _("Chiama il numero verde o scrivi al Servizio Clienti della Convenzione."),
            "url": support or _first_url("public:contacts"),
        },
        {
            "title": _("CONTATTI"),
            "text": _("Numero verde, email e PEC del Servizio Clienti della Convenzione."),
            "url": (_first_url("support:contacts") if ctx.can("support.contacts") else "")
            or _first_url("public:contacts"),
        },
        {
            "title": _("DOCUMENTI"),
            "text": _("I documenti relativi all'uso del Portale e dei servizi disponibili."),
            "url": _first_url("public:member_documents", "public:documents"),
        },
    ]


@capability_required("home")
def index(request):
    user = request.user
    ctx = request.portal
    if ctx.profiles - {Profile.USER} == {Profile.STAFF}:
        # The operator's staff have no customer functions: their home is the back office.
        return redirect("backoffice:index")
    return render(
        request,
        "home/index.html",
        {
            "greeting": greeting(),
            "last_access": user.previous_login,
            "widgets": widgets_for(user=user, ctx=ctx),
            "catalogue_size": len(widget_catalogue(ctx=ctx)),
            "help_boxes": help_boxes(ctx),
            # F-8: registered, but the records give the number no profile yet.
            "no_profile": not (ctx.profiles - {Profile.USER}),
        },
    )


@capability_required("home")
def widgets_edit(request):
    """ "MODIFICA" / "Aggiungi altri widget": choose and order the widgets (E-40)."""
    user = request.user
    ctx = request.portal
    catalogue = widget_catalogue(ctx=ctx)
    form = WidgetsForm(request.POST if request.method == "POST" else None, catalogue=catalogue)
    if form.is_bound and form.is_valid():
        widgets_save(user=user, ctx=ctx, codes=form.ordered_codes())
        messages.success(request, _("I tuoi widget sono stati salvati."))
        return redirect("home:index")
    current = [c.code for c in widgets_for(user=user, ctx=ctx)]
    return render(
        request,
        "home/widgets_edit.html",
        {
            "rows": form.rows(current),
            "saved": has_saved_widgets(user=user),
            "add": request.GET.get("aggiungi"),
        },
    )
