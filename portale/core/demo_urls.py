"""Demo-only tools, mounted at /demo/ when settings.PORTALE_DEMO is on."""

from django.urls import path

from .notifications import views as notification_views

app_name = "demo"
urlpatterns = [
    path("outbox/", notification_views.outbox, name="outbox"),
]
