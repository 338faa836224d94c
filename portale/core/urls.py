from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("contratto/", views.contract_select, name="contract_select"),
]
