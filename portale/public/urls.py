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
    # Area Clienti: every item, general and for registered users (F-5 "Hai bisogno di aiuto?")
    path("area-clienti/news/", views.member_news_list, name="member_news"),
    path("area-clienti/news/<slug:slug>/", views.member_news_detail, name="member_news_detail"),
    path("area-clienti/documenti/", views.member_documents, name="member_documents"),
    path(
        "area-clienti/documenti/<int:pk>/scarica/",
        views.member_document_download,
        name="member_document_download",
    ),
]
