"""Chat (F-7.7.2): a user and an operator exchange messages; only within service hours."""

import pytest
from django.urls import reverse

from portale.support import services
from portale.support.models import ChatMessage, ChatSession, ChatState

from .conftest import OPEN, REPUBLIC_DAY

pytestmark = pytest.mark.django_db


def test_it_works_end_to_end(client, roa, staff, clock):
    clock(OPEN)
    client.force_login(roa)
    page = client.get(reverse("support:chat")).content.decode()
    assert 'target="_blank"' in page and "Inizia a chattare" in page
    client.post(reverse("support:chat_window"))
    session = ChatSession.objects.get()
    assert session.state == ChatState.WAITING and session.contract is not None
    client.post(reverse("support:chat_send", args=[session.pk]), {"testo": "Buongiorno"})

    operator = client.__class__()
    operator.force_login(staff)
    queue = operator.get(reverse("backoffice:chats")).content.decode()
    assert roa.first_name in queue and session.contract.code in queue
    operator.post(reverse("backoffice:chat", args=[session.pk]), {"azione": "prendi"})
    operator.post(
        reverse("backoffice:chat_send", args=[session.pk]), {"testo": "Come posso aiutarti?"}
    )

    # the user's window polls the messages after the last one it has
    first = ChatMessage.objects.filter(session=session).first()
    fresh = client.get(
        reverse("support:chat_messages", args=[session.pk]), {"dopo": first.pk}
    ).content.decode()
    assert "Buongiorno" in fresh and "Come posso aiutarti?" in fresh
    assert 'hx-trigger="every 1s"' in fresh
    # a reload loses nothing
    window = client.get(reverse("support:chat_window")).content.decode()
    assert "Buongiorno" in window and "Come posso aiutarti?" in window

    client.post(reverse("support:chat_end", args=[session.pk]))
    session.refresh_from_db()
    assert session.state == ChatState.ENDED and session.messages.count() >= 4  # transcript kept


def test_outside_hours_the_button_is_off(client, roa, clock):
    clock(REPUBLIC_DAY)
    client.force_login(roa)
    page = client.get(reverse("support:chat")).content.decode()
    assert 'id="fuori-orario"' in page and "disabled" in page
    body = client.post(reverse("support:chat_window")).content.decode()
    assert "Il servizio è disponibile dal lunedì al venerdì" in body
    assert not ChatSession.objects.exists()


def test_a_second_start_resumes_the_open_chat(roa, clock):
    clock(OPEN)
    first = services.chat_start(user=roa, contract=None)
    assert services.chat_start(user=roa, contract=None) == first


def test_an_empty_or_long_message_is_refused(roa, clock):
    clock(OPEN)
    session = services.chat_start(user=roa, contract=None)
    for text in ("   ", "x" * 1001):
        with pytest.raises(services.SupportError):
            services.chat_post(session=session, author="CLIENTE", text=text)


def test_it_checks_ownership(client, roa, mandatario, clock):
    clock(OPEN)
    session = services.chat_start(user=roa, contract=None)
    client.force_login(mandatario)
    assert client.get(reverse("support:chat_messages", args=[session.pk])).status_code == 404
    assert (
        client.post(reverse("support:chat_send", args=[session.pk]), {"testo": "x"}).status_code
        == 404
    )
