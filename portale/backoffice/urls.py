from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("linee/", views.lines, name="lines"),
    path("contratti/", views.contracts, name="contracts"),
]
