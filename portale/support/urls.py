from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("contatti/", views.contacts_page, name="contacts"),
    path("scrivici/", views.write, name="write"),
    path("prenota-una-chiamata/", views.callback, name="callback"),
    path("configurazione-terminali/", views.terminals, name="terminals"),
    path("servizi-web/", views.web_services, name="web_services"),
    path("manuali/", views.manuals, name="manuals"),
    path("manuali/<int:pk>/", views.manual_pdf, name="manual_pdf"),
]
