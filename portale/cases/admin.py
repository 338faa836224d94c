from django.contrib import admin

from .models import Case, Order, OrderLine, RequestDraft, Shipment, ShipmentEvent


class OrderInline(admin.TabularInline):
    model = Order
    extra = 0
    fields = ["number", "state", "channel", "created_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "description", "contract", "channel", "state", "opened_at"]
    list_filter = ["state", "channel", "operation"]
    search_fields = ["number", "contract__code"]
    raw_id_fields = ["contract", "line", "requester", "filed_by", "assignee"]
    inlines = [OrderInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["line"]


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "case", "contract", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["number", "case__number", "contract__code"]
    raw_id_fields = ["case", "contract"]
    inlines = [OrderLineInline]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_code", "state"]
    raw_id_fields = ["order"]
    inlines = [ShipmentEventInline]


@admin.register(RequestDraft)
class RequestDraftAdmin(admin.ModelAdmin):
    list_display = ["operation", "user", "contract", "created_at", "pdf_downloaded_at", "case"]
    raw_id_fields = ["user", "contract", "line", "case"]
    exclude = ["pdf"]
