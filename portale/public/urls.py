from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("news/", views.news_list, name="news_list"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("documenti/", views.documents, name="documents"),
    path("documenti/<int:pk>/scarica/", views.document_download, name="document_download"),
    path("contatti/", views.contacts_page, name="contacts"),
    path("privacy/", views.privacy, name="privacy"),
]
