from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("contatti/", views.contacts_page, name="contacts"),
    path("scrivici/", views.write, name="write"),
    path("prenota-una-chiamata/", views.callback, name="callback"),
    path("configurazione-terminali/", views.terminals, name="terminals"),
    path("servizi-web/", views.web_services, name="web_services"),
    path("chat/", views.chat, name="chat"),
    path("chat/finestra/", views.chat_window, name="chat_window"),
    path("chat/<int:pk>/messaggi/", views.chat_messages, name="chat_messages"),
    path("chat/<int:pk>/invia/", views.chat_send, name="chat_send"),
    path("chat/<int:pk>/interrompi/", views.chat_end, name="chat_end"),
    path("apparati/", views.devices, name="devices"),
    path("ticket/", views.tickets, name="tickets"),
    path("ticket/<str:number>/", views.ticket, name="ticket"),
    path("punti-di-assistenza/", views.service_points, name="service_points"),
    path("manuali/", views.manuals, name="manuals"),
    path("manuali/<int:pk>/", views.manual_pdf, name="manual_pdf"),
]
