"""A console button's URL opened with a GET: the page it belongs to, never a blank 405."""

import pytest
from django.urls import URLPattern, reverse

from portale.backoffice import urls
from portale.cases.models import CaseState
from portale.cases.tests.helpers import attach, phone_case
from portale.records.tests import factories as f
from portale.support.models import ChatSession, Ticket

pytestmark = pytest.mark.django_db

CASE_ACTIONS = ["take", "suspend", "resume", "close", "reject", "cancel"]


def _ticket(contract, user) -> Ticket:
    from portale.cases import services

    payload = {
        "device": str(f.DeviceFactory(contract=contract).pk),
        "problem": "FURTO",
        "description": "Rubato",
        "delivery": "PDA",
        "service_point": str(f.ServicePointFactory().pk),
    }
    services.case_file(operation="device_support", actor=user, contract=contract, payload=payload)
    return Ticket.objects.get()


@pytest.mark.parametrize("name", CASE_ACTIONS)
def test_a_pratica_action_opened_with_get_goes_to_the_pratica(client, staff, contract, name):
    case = phone_case(contract)
    client.force_login(staff)
    response = client.get(reverse(f"backoffice:{name}", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:case_detail", args=[case.pk])
    page = client.get(response["Location"])
    assert "Nessuna azione eseguita: usa i pulsanti di questa pagina." in page.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and case.assignee is None  # nothing done


def test_after_the_login_an_action_link_lands_on_its_page(client, staff, contract):
    """The session expired on the pratica's page, the operator clicked "Chiudi": the login
    brings back the action's address, which is opened with a GET."""
    case = phone_case(contract)
    url = reverse("backoffice:close", args=[case.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(staff)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("backoffice:case_detail", args=[case.pk])
    assert case.number in response.content.decode()


def test_chat_and_ticket_actions_go_to_their_pages(client, staff, roa, contract):
    chat = ChatSession.objects.create(user=roa)
    ticket = _ticket(contract, roa)
    client.force_login(staff)
    response = client.get(reverse("backoffice:chat_send", args=[chat.pk]))
    assert response["Location"] == reverse("backoffice:chat", args=[chat.pk])
    assert not chat.messages.exists()
    response = client.get(reverse("backoffice:ticket_step", args=[ticket.pk]))
    assert response["Location"] == reverse("backoffice:tickets")


def test_a_missing_object_is_still_a_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("backoffice:close", args=[999_999])).status_code == 404
    assert client.get(reverse("backoffice:ticket_step", args=[999_999])).status_code == 404


def test_no_back_office_url_answers_a_get_with_405(client, staff, roa, contract):
    """Every URL of the console, with an object that exists: a page or a redirect to one."""
    from django.core.files.base import ContentFile

    case = phone_case(contract)
    case.summary_pdf.save("riepilogo.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    document = attach(case=case)
    threshold = f.ThresholdFactory(line=f.LineFactory(contract=contract))
    objects = {
        "pratiche/": {"pk": case.pk, "attachment_pk": document.pk},
        "chat/": {"pk": ChatSession.objects.create(user=roa).pk},
        "ticket/": {"pk": _ticket(contract, roa).pk},
        "soglie/": {"pk": threshold.pk},
    }
    client.force_login(staff)
    checked = 0
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        names = set(pattern.pattern.converters)
        kwargs = {}
        if names:
            prefix = next(p for p in objects if route.startswith(p))
            kwargs = {k: objects[prefix][k] for k in names}
        response = client.get(reverse(f"backoffice:{pattern.name}", kwargs=kwargs))
        assert response.status_code != 405, route
        assert response.status_code in (200, 302), (route, response.status_code)
        checked += 1
    assert checked == len(urls.urlpatterns)


def test_a_pratica_with_no_data_says_closing_it_changes_nothing(client, staff, contract):
    """Received outside the portal with no parameters: the operator is told before Chiudi
    that no record will change, and where to file it with its data."""
    client.force_login(staff)
    bare = phone_case(contract, operation="sim_block")  # an operation with an effect
    body = client.get(reverse("backoffice:case_detail", args=[bare.pk])).content.decode()
    assert "data-no-payload" in body and reverse("backoffice:file_case") in body
    with_data = phone_case(contract, operation="sim_block", payload={"line_id": 1})
    body = client.get(reverse("backoffice:case_detail", args=[with_data.pk])).content.decode()
    assert "data-no-payload" not in body
    talk = phone_case(contract, operation="contact_request")  # nothing to apply anyway
    body = client.get(reverse("backoffice:case_detail", args=[talk.pk])).content.decode()
    assert "data-no-payload" not in body
