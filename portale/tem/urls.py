from django.urls import path

from portale.core import handoff

from . import views

app_name = "tem"
urlpatterns = [
    path("accesso/", handoff.entry_view("tem"), name="entry"),
    path("", views.report, name="report"),
    path("andamento/", views.trend, name="trend"),
    path("linee/", views.top_lines, name="top_lines"),
    path("anomalie/", views.anomalies_view, name="anomalies"),
    path("verifica-fatture/", views.audit, name="audit"),
    path("verifica-fatture/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("verifica-fatture/<int:pk>/avvia/", views.audit_start, name="audit_start"),
]
