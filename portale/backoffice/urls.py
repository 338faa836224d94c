from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("linee/", views.lines, name="lines"),
    path("contratti/", views.contracts, name="contracts"),
    path("soglie/linee-bloccate/", views.thresholds, name="thresholds"),
    path("soglie/<int:pk>/sblocca/", views.threshold_unblock, name="threshold_unblock"),
    path("richiamate/", views.callbacks, name="callbacks"),
    path("ticket/", views.tickets, name="tickets"),
    path("ticket/<int:pk>/", views.ticket_step, name="ticket_step"),
    path("chat/", views.chats, name="chats"),
    path("chat/<int:pk>/", views.chat, name="chat"),
    path("chat/<int:pk>/messaggi/", views.chat_messages, name="chat_messages"),
    path("chat/<int:pk>/invia/", views.chat_send, name="chat_send"),
    # pratiche and ordini: the queues the operator works (DESIGN §5.4)
    path("pratiche/", views.queue, name="queue"),
    path("pratiche/ordini/", views.order_queue, name="orders"),
    path("pratiche/nuova/", views.file_case, name="file_case"),
    path("pratiche/<int:pk>/", views.case_detail, name="case_detail"),
    path("pratiche/<int:pk>/riepilogo.pdf", views.summary_pdf, name="summary_pdf"),
    path("pratiche/<int:pk>/documenti/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("pratiche/<int:pk>/prendi-in-carico/", views.take, name="take"),
    path("pratiche/<int:pk>/sospendi/", views.suspend, name="suspend"),
    path("pratiche/<int:pk>/riprendi/", views.resume, name="resume"),
    path("pratiche/<int:pk>/chiudi/", views.close, name="close"),
    path("pratiche/<int:pk>/scarta/", views.reject, name="reject"),
    path("pratiche/<int:pk>/annulla/", views.cancel, name="cancel"),
]
