from django.urls import path

from . import views, views_personal, views_recovery, views_registration

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/codice/", views.login_otp, name="login_otp"),
    path("login/codice/invia-di-nuovo/", views.login_otp_resend, name="login_otp_resend"),
    path("logout/", views.logout, name="logout"),
    path("sessione/resta-collegato/", views.keepalive, name="keepalive"),
    path("dati-personali/", views_personal.personal_data, name="personal_data"),
    path(
        "dati-personali/verifica/",
        views_personal.personal_data_verify,
        name="personal_data_verify",
    ),
    path(
        "dati-personali/verifica/invia-di-nuovo/",
        views_personal.personal_data_resend,
        name="personal_data_resend",
    ),
    path("email/conferma/<str:token>/", views_personal.email_confirm, name="email_confirm"),
    # registration (F-3)
    path("registrazione/", views_registration.register, name="register"),
    path("registrazione/codice/", views_registration.register_code, name="register_code"),
    path(
        "registrazione/codice/invia-di-nuovo/",
        views_registration.register_resend,
        name="register_resend",
    ),
    path("registrazione/dati/", views_registration.register_data, name="register_data"),
    path(
        "registrazione/registrazione-esistente/",
        views_registration.register_existing,
        name="register_existing",
    ),
    path("registrazione/email/", views_registration.register_email, name="register_email"),
    path("registrazione/email-inviata/", views_registration.register_sent, name="register_sent"),
    path(
        "registrazione/conferma/<str:token>/",
        views_registration.register_confirm,
        name="register_confirm",
    ),
    path("registrazione/password/", views_registration.register_password, name="register_password"),
    path("registrazione/esito/", views_registration.register_done, name="register_done"),
    path("documenti/<slug:kind>.pdf", views_registration.legal_document, name="legal_document"),
    # credential recovery (F-4, G-06)
    path("recupero/", views_recovery.recover, name="recover"),
    path("recupero/codice/", views_recovery.recover_code, name="recover_code"),
    path("recupero/codice/invia-di-nuovo/", views_recovery.recover_resend, name="recover_resend"),
    path("recupero/password/<str:token>/", views_recovery.password_reset, name="password_reset"),
    path("recupero/<slug:mode>/", views_recovery.recover_data, name="recover_data"),
]
