from django.urls import path

from . import views

app_name = "company"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("referenti/", views.referents, name="referents"),
    path("referenti/<int:pk>/sostituisci/", views.referent_replace, name="referent_replace"),
    path("referenti/<int:pk>/contatti/", views.referent_contacts, name="referent_contacts"),
    path("contratto-e-indirizzi/", views.addresses, name="addresses"),
    path("contratto-e-indirizzi/<slug:kind>/modifica/", views.address_edit, name="address_edit"),
    path("comuni/", views.comuni_json, name="comuni"),
]
