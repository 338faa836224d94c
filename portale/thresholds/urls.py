from django.urls import path

from . import views

app_name = "thresholds"
urlpatterns = [
    path("attivazione/", views.activate, name="activate"),
    path("attivazione/parametri/", views.activate_params, name="activate_params"),
    path("variazione/", views.change, name="change"),
    path("variazione/parametri/", views.change_params, name="change_params"),
    path("roaming-extra-ue/", views.roaming, name="roaming"),
    path("roaming-extra-ue/parametri/", views.roaming_params, name="roaming_params"),
    path("cessazione/", views.cease, name="cease"),
    path("cessazione/parametri/", views.cease_params, name="cease_params"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/ricerca-avanzata/", views.advanced, name="advanced"),
    path("monitoring/erosione/<int:line_id>/", views.erosion, name="erosion"),
    path("notifiche/", views.notifications, name="notifications"),
    path("notifiche/<int:pk>/", views.notification_detail, name="notification_detail"),
    path(
        "notifiche/<int:pk>/allegato/",
        views.notification_attachment,
        name="notification_attachment",
    ),
]
