from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("processo/<uuid:token>/", views.process, name="process"),
    path("notifica/<slug:variant>/", views.callback, name="callback"),
]
