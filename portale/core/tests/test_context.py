import pytest
from django.http import Http404

from portale.core.capabilities import Profile
from portale.core.context import build_context, referent_contract_or_404
from portale.records import selectors as records
from portale.records.models import Referent
from portale.records.tests import factories as f


@pytest.mark.django_db
def test_profiles_come_from_referent_rows_and_the_own_line(roa, contract):
    ctx = build_context(user=roa, session={})
    assert ctx.contract == contract
    assert ctx.profiles == {Profile.ROA, Profile.USER}

    # The same number also has a line: profiles add up (§5 "Suggerimento").
    f.SimFactory(line__contract=contract, line__msisdn=roa.mobile)
    roa.refresh_from_db()  # as the next request reads it, with the bumped portal_version
    ctx = build_context(user=roa, session={})
    assert ctx.profiles == {Profile.ROA, Profile.DIP, Profile.USER}


@pytest.mark.django_db
def test_profiles_follow_the_selected_contract(roa, contract):
    second = f.ContractFactory(administration=contract.administration)
    f.ReferentFactory(contract=second, role=Referent.Role.EBILL, mobile=roa.mobile)
    ctx = build_context(user=roa, session={"portale_contract_id": second.pk})
    assert ctx.contract == second
    assert ctx.profiles == {Profile.EB, Profile.USER}
    assert ctx.contracts == [contract, second]


@pytest.mark.django_db
def test_a_contract_not_of_the_user_cannot_be_selected(roa, other_contract, contract):
    ctx = build_context(user=roa, session={"portale_contract_id": other_contract.pk})
    assert ctx.contract == contract


@pytest.mark.django_db
def test_a_ceased_line_gives_no_employee_profile(employee, employee_line):
    employee_line.state = "CESSATO"
    employee_line.save()
    assert build_context(user=employee, session={}).profiles == {Profile.USER}


@pytest.mark.django_db
def test_an_employee_reads_the_own_line_not_the_contract(employee, employee_line, contract):
    colleague = f.LineFactory(contract=contract)
    f.ReferentFactory(contract=contract)
    ctx = build_context(user=employee, session={})
    assert ctx.contract == contract  # selected for the menus, but not a referent's
    assert ctx.referent_contract is None
    with pytest.raises(Http404):
        referent_contract_or_404(ctx)
    assert list(records.referents_for_portal(ctx=ctx)) == []
    assert list(records.sims_for_portal(ctx=ctx)) == list(employee_line.sims.all())
    assert colleague.pk not in {s.line_id for s in records.sims_for_portal(ctx=ctx)}


@pytest.mark.django_db
def test_a_referent_reads_the_selected_contract(roa, contract, other_contract):
    f.ReferentFactory(contract=other_contract)
    ctx = build_context(user=roa, session={})
    assert referent_contract_or_404(ctx) == contract
    assert {r.contract_id for r in records.referents_for_portal(ctx=ctx)} == {contract.pk}


@pytest.mark.django_db
def test_the_built_context_replaces_the_lazy_object_on_the_request(rf, roa, contract):
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from portale.core.context import PortalContext
    from portale.core.middleware import PortalContextMiddleware

    request = rf.get("/")
    request.user, request.session = roa, {}
    seen = {}

    def view(request):
        lazy = request.portal
        seen["before"] = type(lazy)
        seen["profiles"] = lazy.profiles  # the first use builds it
        seen["after"] = request.portal
        seen["again"] = lazy.contract  # a reference taken before still answers
        return HttpResponse()

    PortalContextMiddleware(view)(request)
    assert seen["before"] is SimpleLazyObject
    assert type(seen["after"]) is PortalContext
    assert seen["after"].profiles == seen["profiles"] == {Profile.ROA, Profile.USER}
    assert seen["again"] == seen["after"].contract == contract


@pytest.mark.django_db
def test_an_unused_context_is_never_built(rf, roa, django_assert_num_queries):
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from portale.core.middleware import PortalContextMiddleware

    request = rf.get("/")
    request.user, request.session = roa, {}
    with django_assert_num_queries(0):
        PortalContextMiddleware(lambda request: HttpResponse())(request)
    assert type(request.portal) is SimpleLazyObject
