"""Demo tool: the outbox page (/demo/outbox/, only with PORTALE_DEMO), to read OTP codes."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from portale.core.capabilities import public_view
from portale.core.models import OutboxMessage

PAGE_SIZE = 50


@public_view
def outbox(request):
    """Every SMS and e-mail the portal sent, newest first (filter: ``?q=`` recipient)."""
    if not settings.PORTALE_DEMO:
        raise Http404
    messages = OutboxMessage.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        messages = messages.filter(recipient__icontains=query)
    channel = request.GET.get("channel", "")
    if channel in OutboxMessage.Channel.values:
        messages = messages.filter(channel=channel)
    else:
        channel = ""
    page = Paginator(messages.only(*_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/outbox.html",
        {"page": page, "query": query, "channel": channel, "channels": OutboxMessage.Channel},
    )


_COLUMNS = (
    "channel",
    "recipient",
    "sender",
    "subject",
    "text",
    "kind",
    "status",
    "created_at",
    "sent_at",
    "last_error",
)
