"""Django admin for the systems of record: the operator's raw view of every table."""

from django.contrib import admin

from . import models as m


class ContractInline(admin.TabularInline):
    model = m.Contract
    fields = ["code", "offer", "activation_date"]
    extra = 0
    show_change_link = True


class ReferentInline(admin.TabularInline):
    model = m.Referent
    fields = ["role", "first_name", "last_name", "fiscal_code", "mobile", "email"]
    extra = 0


class ContractServiceInline(admin.TabularInline):
    model = m.ContractService
    fields = ["description", "code", "activation_date", "cessation_date", "state"]
    extra = 0


class LineInline(admin.TabularInline):
    model = m.Line
    fields = ["msisdn", "tariff_plan", "state", "activation_date", "one_number"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        # A contract can hold 100,000 lines: the inline shows the first ones only.
        qs = super().get_queryset(request).select_related("tariff_plan")
        ids = list(qs.values_list("pk", flat=True)[:50])
        return qs.filter(pk__in=ids)


class SimInline(admin.TabularInline):
    model = m.Sim
    fields = ["iccid", "role", "kind", "state", "activation_date", "imei"]
    fk_name = "line"
    extra = 0


class LineServiceInline(admin.TabularInline):
    model = m.LineService
    fields = [
        "kind",
        "description",
        "apn",
        "activation_date",
        "cessation_date",
        "state",
        "pct_charged_to_entity",
        "pct_employee",
        "monthly_fee",
    ]
    extra = 0


class BundleInline(admin.TabularInline):
    model = m.Bundle
    fields = ["name", "unit", "scope", "total", "remaining", "updated_at"]
    extra = 0


class ThresholdInline(admin.TabularInline):
    model = m.Threshold
    fields = ["description", "type", "period", "value", "available", "state"]
    extra = 0


class DualBillingOptionInline(admin.TabularInline):
    model = m.DualBillingOption
    fields = ["scope", "family", "code", "name", "price", "state", "activation_date"]
    extra = 0


class PriceItemInline(admin.TabularInline):
    model = m.PriceItem
    fields = ["kind", "code", "description", "unit", "price"]
    extra = 0


class PersonalInvoiceInline(admin.TabularInline):
    model = m.PersonalInvoice
    fields = ["number", "bimester", "emission_date", "due_date", "total", "payment_state"]
    extra = 0


@admin.register(m.Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "province", "cap"]
    search_fields = ["street", "city", "cap"]
    list_filter = ["province"]


@admin.register(m.Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["name", "fiscal_code", "seat"]
    search_fields = ["name", "fiscal_code"]
    list_select_related = ["seat"]
    inlines = [ContractInline]


@admin.register(m.LegalRepresentative)
class LegalRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "administration", "mobile", "email"]
    search_fields = ["first_name", "last_name", "fiscal_code", "mobile", "administration__name"]
    list_select_related = ["administration"]


@admin.register(m.Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["code", "administration", "offer", "activation_date"]
    search_fields = ["code", "administration__name", "administration__fiscal_code"]
    list_filter = ["offer"]
    list_select_related = ["administration"]
    raw_id_fields = ["invoice_address", "docs_address"]
    inlines = [ReferentInline, ContractServiceInline, LineInline]


@admin.register(m.Referent)
class ReferentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "role", "contract", "mobile", "email"]
    search_fields = ["last_name", "first_name", "fiscal_code", "mobile", "contract__code"]
    list_filter = ["role"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]


@admin.register(m.CostCentre)
class CostCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contract", "created_at"]
    search_fields = ["code", "name", "contract__code"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]


@admin.register(m.TariffPlan)
class TariffPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "monthly_fee"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(m.Line)
class LineAdmin(admin.ModelAdmin):
    list_display = [
        "msisdn",
        "contract",
        "tariff_plan",
        "state",
        "one_number",
        "dual_billing_enabled",
        "activation_date",
        "cessation_date",
    ]
    search_fields = ["msisdn", "contract__code", "sims__iccid"]
    list_filter = ["state", "tariff_plan", "one_number", "dual_billing_enabled"]
    list_select_related = ["contract", "tariff_plan"]
    raw_id_fields = ["contract", "cost_centre"]
    filter_horizontal = ["blocked_categories"]
    show_full_result_count = False
    inlines = [SimInline, LineServiceInline, BundleInline, ThresholdInline, DualBillingOptionInline]


@admin.register(m.Sim)
class SimAdmin(admin.ModelAdmin):
    list_display = ["iccid", "line", "contract", "role", "kind", "state", "activation_date"]
    search_fields = ["iccid", "line__msisdn"]
    list_filter = ["role", "kind", "state"]
    list_select_related = ["line", "contract"]
    raw_id_fields = ["line", "contract"]
    show_full_result_count = False


@admin.register(m.LineService)
class LineServiceAdmin(admin.ModelAdmin):
    list_display = [
        "line",
        "description",
        "apn",
        "state",
        "activation_date",
        "cessation_date",
        "pct_charged_to_entity",
        "monthly_fee",
    ]
    search_fields = ["line__msisdn", "description", "apn"]
    list_filter = ["kind", "state", "description"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]
    show_full_result_count = False


@admin.register(m.ContractService)
class ContractServiceAdmin(admin.ModelAdmin):
    list_display = ["description", "contract", "code", "state", "activation_date"]
    search_fields = ["description", "contract__code"]
    list_filter = ["state", "description"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]


@admin.register(m.Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["imei", "description", "nmu_code", "service_type", "state", "contract", "line"]
    search_fields = ["imei", "description", "nmu_code", "line__msisdn", "contract__code"]
    list_filter = ["service_type", "state", "os"]
    list_select_related = ["contract", "line"]
    raw_id_fields = ["contract", "line"]


@admin.register(m.DualBilling)
class DualBillingAdmin(admin.ModelAdmin):
    list_display = [
        "line",
        "kind",
        "code",
        "employee_last_name",
        "employee_first_name",
        "payment_method",
        "state",
        "activation_date",
        "cessation_date",
    ]
    search_fields = ["line__msisdn", "code", "employee_last_name", "employee_fiscal_code"]
    list_filter = ["kind", "state", "payment_method", "direct_debit_state"]
    list_select_related = ["line"]
    raw_id_fields = ["line", "invoice_address"]
    readonly_fields = ["psp_token"]
    inlines = [PersonalInvoiceInline]


@admin.register(m.DualBillingOption)
class DualBillingOptionAdmin(admin.ModelAdmin):
    list_display = ["line", "scope", "family", "code", "name", "price", "state"]
    search_fields = ["line__msisdn", "code", "name"]
    list_filter = ["scope", "family", "state"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]


@admin.register(m.NetworkCategory)
class NetworkCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "position"]
    search_fields = ["code", "description"]
    list_editable = ["position"]


@admin.register(m.RifProfile)
class RifProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "position"]
    search_fields = ["code", "description"]
    list_editable = ["position"]


@admin.register(m.Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["line", "name", "unit", "scope", "total", "remaining", "updated_at"]
    search_fields = ["line__msisdn", "name"]
    list_filter = ["unit", "scope"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]


@admin.register(m.Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = [
        "line",
        "description",
        "type",
        "period",
        "value",
        "available",
        "state",
        "activation_date",
    ]
    search_fields = ["line__msisdn", "description"]
    list_filter = ["kind", "type", "period", "state", "description"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]
    # Kept by rating and the threshold engine (records/thresholds.py): shown, not edited.
    readonly_fields = ["consumption", "consumption_period", "erosion_due_at"]


@admin.register(m.Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "contract",
        "bimester",
        "amount",
        "emission_date",
        "due_date",
        "payment_state",
    ]
    search_fields = ["number", "contract__code", "bimester"]
    list_filter = ["payment_state"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]
    date_hierarchy = "emission_date"


@admin.register(m.PersonalInvoice)
class PersonalInvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "dual_billing",
        "bimester",
        "total",
        "emission_date",
        "due_date",
        "payment_state",
    ]
    search_fields = ["number", "dual_billing__line__msisdn", "dual_billing__code"]
    list_filter = ["payment_state"]
    raw_id_fields = ["dual_billing"]


@admin.register(m.TrafficEvent)
class TrafficEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "line",
        "category",
        "type",
        "detail",
        "duration_seconds",
        "volume_kb",
        "net_amount",
        "charging",
        "roaming_zone",
    ]
    search_fields = ["line__msisdn", "external_id", "type"]
    list_filter = ["category", "charging", "roaming_zone"]
    list_select_related = ["line"]
    raw_id_fields = ["line", "sim"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


class _UsageAggregateAdmin(admin.ModelAdmin):
    """Read-only: the rating engine maintains the usage aggregates (see models/aggregates.py);
    ``manage.py usage_aggregates_rebuild`` recomputes them."""

    list_filter = ["month", "category", "roaming_zone", "charging"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.UsageLineMonth)
class UsageLineMonthAdmin(_UsageAggregateAdmin):
    list_display = [
        "month",
        "line",
        "category",
        "roaming_zone",
        "charging",
        "events",
        "net_amount",
        "last_day",
    ]
    search_fields = ["line__msisdn"]
    list_select_related = ["line"]


@admin.register(m.UsageContractMonth)
class UsageContractMonthAdmin(_UsageAggregateAdmin):
    list_display = [
        "month",
        "contract",
        "cost_centre_key",
        "category",
        "roaming_zone",
        "charging",
        "events",
        "net_amount",
    ]
    search_fields = ["contract__code"]
    list_select_related = ["contract"]


@admin.register(m.ServiceSms)
class ServiceSmsAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "line", "sender", "kind", "state", "delivered_at"]
    search_fields = ["line__msisdn", "text"]
    list_filter = ["state", "sender", "kind"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]


@admin.register(m.PersonalRecharge)
class PersonalRechargeAdmin(admin.ModelAdmin):
    list_display = ["recharged_at", "line", "amount", "channel", "reference"]
    search_fields = ["line__msisdn", "reference"]
    list_filter = ["channel"]
    list_select_related = ["line"]
    raw_id_fields = ["line"]


@admin.register(m.ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "city", "province", "cap", "latitude", "longitude"]
    search_fields = ["name", "city", "cap", "street"]
    list_filter = ["province", "is_active"]


@admin.register(m.PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["version", "date", "is_current"]
    list_filter = ["is_current"]
    inlines = [PriceItemInline]


@admin.register(m.PriceItem)
class PriceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "kind", "unit", "price", "price_list"]
    search_fields = ["code", "description"]
    list_filter = ["kind", "price_list"]
