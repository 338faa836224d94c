"""Back office of electronic invoicing: the contracts' codes, the FatturaPA files and their
SdI outcome, the blocked ones flagged, the correction of rejected invoices.

Every change goes through the engine (``billing.invoicing``) or ``records.services``; an
issued invoice is never edited here.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portale.records import services as records

from . import invoicing
from .models import ContractInvoicing, CreditNote, EInvoice


class ContractInvoicingForm(forms.ModelForm):
    ipa_code = forms.CharField(label=_("Codice IPA dell'ente"), max_length=20, required=False)

    class Meta:
        model = ContractInvoicing
        fields = ["office_code", "cig", "cup", "order_reference", "order_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["ipa_code"].initial = self.instance.administration.ipa_code


@admin.register(ContractInvoicing)
class ContractInvoicingAdmin(admin.ModelAdmin):
    form = ContractInvoicingForm
    list_display = ["code", "administration", "office_code", "cig", "cup", "order_reference"]
    search_fields = ["code", "administration__name", "office_code", "cig"]
    list_select_related = ["administration"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            records.contract_invoicing_set(
                contract=obj,
                office_code=data["office_code"],
                cig=data["cig"],
                cup=data["cup"],
                order_reference=data["order_reference"],
                order_date=data["order_date"],
                ipa_code=data["ipa_code"],
            )
        except records.RecordError as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(EInvoice)
class EInvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "number",
        "state",
        "problem",
        "error_code",
        "error_description",
        "office_code",
        "cig",
        "receipt_at",
    ]
    list_filter = ["state", "receipt_kind"]
    search_fields = ["file_name", "invoice__number", "credit_note__number", "sdi_id"]
    list_select_related = ["invoice", "credit_note"]
    actions = ["retry_blocked", "reissue_rejected"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Rigenera e invia le fatture elettroniche bloccate"))
    def retry_blocked(self, request, queryset):
        for einvoice in queryset.filter(state=EInvoice.State.BLOCKED, invoice__isnull=False):
            einvoice = invoicing.einvoice_retry(einvoice=einvoice)
            self.message_user(request, f"{einvoice.number}: {einvoice.get_state_display()}")

    @admin.action(description=_("Riemetti le fatture scartate: nota di credito e nuova fattura"))
    def reissue_rejected(self, request, queryset):
        for einvoice in queryset.filter(state=EInvoice.State.REJECTED, invoice__isnull=False):
            try:
                new = invoicing.invoice_reissue(invoice=einvoice.invoice)
            except records.RecordError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(
                request, f"{einvoice.number} annullata; emessa la fattura {new.number}"
            )


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ["number", "invoice", "amount", "emission_date", "reason"]
    search_fields = ["number", "invoice__number"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
