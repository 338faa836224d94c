"""Shared views: contract selection and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import audit
from .capabilities import login_only
from .context import select_contract


@login_only
@require_POST
def contract_select(request):
    """P-02: the contract chosen in the welcome section drives every referent function."""
    try:
        contract_id = int(request.POST.get("contract", ""))
    except ValueError:
        return HttpResponseBadRequest()
    if not select_contract(session=request.session, ctx=request.portal, contract_id=contract_id):
        from django.http import Http404

        raise Http404
    audit.record("contract_switch", request=request, contract_id=contract_id)
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    return redirect(nxt or "home:index")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


__all__ = ["contract_select", "login_required"]
