from django.urls import path

from . import views

app_name = "dualbilling"
urlpatterns = [
    # the referent (F-7.4.5–F-7.4.8)
    path("abilitazione/", views.enable, name="enable"),
    path("abilitazione/richiesta/", views.enable_step, name="enable_step"),
    path("opzioni/", views.options, name="options"),
    path("opzioni/opzione/", views.options_step, name="options_step"),
    path("cessazione/", views.disable, name="disable"),
    path("cessazione/richiesta/", views.disable_step, name="disable_step"),
    path("cessazione-opzioni/", views.options_cease, name="options_cease"),
    path("cessazione-opzioni/opzione/", views.options_cease_step, name="options_cease_step"),
    # the employee (F-9.2.1.1, F-9.2.1.2)
    path("gestisci/", views.manage, name="manage"),
    path("gestisci/reportistica/", views.report, name="report"),
    path("gestisci/attivazione/", views.activate, name="activate"),
    path("gestisci/attivazione/anagrafica/", views.activate_person, name="activate_person"),
    path("gestisci/attivazione/indirizzo/", views.activate_address, name="activate_address"),
    path("gestisci/attivazione/pagamento/", views.activate_payment, name="activate_payment"),
    path("gestisci/attivazione/accettazione/", views.activate_accept, name="activate_accept"),
    path("gestisci/condizioni/", views.conditions, name="conditions"),
    path("gestisci/domiciliazione/iban/", views.iban, name="iban"),
    path("gestisci/domiciliazione/sottoscrittore/", views.mandate, name="mandate"),
    path("gestisci/domiciliazione/carta/", views.card_result, name="card_result"),
    path("gestisci/modifica/", views.edit, name="edit"),
    path("gestisci/comuni/", views.comuni, name="comuni"),
    path("la-mia-fattura/", views.invoices, name="invoices"),
    path("la-mia-fattura/email/", views.invoice_email, name="invoice_email"),
    path("la-mia-fattura/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
]
