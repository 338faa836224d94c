"""The operator's console (staff only): landing page and the lists of records."""

from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.records.models import Contract, Line

from .tables import ContractTable, LineTable


@capability_required("backoffice.queue")
def index(request):
    return render(request, "backoffice/index.html")


@capability_required("backoffice.queue")
def lines(request):
    """Every line of every contract; search by number/ICCID and by contract code."""
    queryset = Line.objects.select_related("contract__administration", "tariff_plan")
    table = LineTable.from_request(request, queryset)
    return render_list(request, table, "backoffice/list_page.html", {"title": _("Linee")})


@capability_required("backoffice.queue")
def contracts(request):
    """Every contract with its number of lines."""
    queryset = Contract.objects.select_related("administration").annotate(line_count=Count("lines"))
    table = ContractTable.from_request(request, queryset)
    return render_list(request, table, "backoffice/list_page.html", {"title": _("Contratti")})
