from django.contrib import admin

from .models import CallbackRequest, Manual


@admin.register(Manual)
class ManualAdmin(admin.ModelAdmin):
    """Manuals are published by the back office (G-41)."""

    list_display = ["title", "audience", "published", "updated_at"]
    list_filter = ["audience", "published"]
    search_fields = ["title"]


@admin.register(CallbackRequest)
class CallbackRequestAdmin(admin.ModelAdmin):
    list_display = ["phone", "user", "contract", "state", "created_at", "operator"]
    list_filter = ["state"]
    readonly_fields = ["user", "contract", "phone", "created_at", "operator"]
