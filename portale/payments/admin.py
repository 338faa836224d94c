from django.contrib import admin

from .models import Payment, PaymentEvent, SavedMethod


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["source", "event_id", "status", "outcome", "received_at"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order_number", "kind", "method", "total", "status", "purpose", "created"]
    list_filter = ["status", "kind", "method", "purpose"]
    search_fields = ["order_number", "transaction_id"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(SavedMethod)
class SavedMethodAdmin(admin.ModelAdmin):
    list_display = ["user", "method", "brand", "masked", "created_at"]
    readonly_fields = ["user", "method", "brand", "masked", "expiry", "psp_token", "variant"]
