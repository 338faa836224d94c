from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("consistenze-aggregate/", views.aggregate, name="aggregate"),
    path("consistenze-aggregate/<slug:kind>/", views.aggregate_list, name="aggregate_list"),
    path("consistenze-dettaglio/", views.detail, name="detail"),
    path("consistenze-dettaglio/<slug:kind>/", views.detail_list, name="detail_list"),
    path(
        "consistenze-dettaglio/<slug:kind>/richiedi-export/",
        views.export_request,
        name="export_request",
    ),
    path("imei/<int:pk>/", views.imei, name="imei"),
    path("listino/", views.price_list, name="price_list"),
    path("i-miei-export/", views.exports, name="exports"),
    path("i-miei-export/<int:pk>/scarica/", views.export_download, name="export_download"),
    path("i-miei-export/<int:pk>/cancella/", views.export_delete, name="export_delete"),
]
