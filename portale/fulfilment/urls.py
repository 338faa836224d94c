from django.urls import path

from . import views

app_name = "fulfilment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ordini/", views.order_queue, name="orders"),
    path("nuova/", views.file_case, name="file_case"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/riepilogo.pdf", views.summary_pdf, name="summary_pdf"),
    path("<int:pk>/documenti/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/prendi-in-carico/", views.take, name="take"),
    path("<int:pk>/chiudi/", views.close, name="close"),
    path("<int:pk>/respingi/", views.reject, name="reject"),
]
