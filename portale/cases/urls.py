from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.history, name="history"),
    path("ordini/", views.orders, name="orders"),
    path("ordini/<str:number>/", views.order_detail, name="order_detail"),
    path("ordini/<str:number>/spedizione/", views.shipment, name="shipment"),
    path("richiesta/<str:token>/conferma/", views.confirm, name="confirm"),
    path("richiesta/<str:token>/riepilogo.pdf", views.summary_pdf, name="summary_pdf"),
    path(
        "richiesta/<str:token>/documenti/<int:pk>/",
        views.draft_attachment,
        name="draft_attachment",
    ),
    path("richiesta/<str:token>/annulla/", views.cancel, name="cancel"),
    path("esito/<str:number>/", views.outcome, name="outcome"),
]
