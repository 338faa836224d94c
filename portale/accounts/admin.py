from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import SecurityEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "mobile", "entity_fiscal_code", "status"]
    search_fields = ["username", "first_name", "last_name", "mobile", "email", "fiscal_code"]
    list_filter = ["status", "origin", "is_staff"]
    readonly_fields = ["previous_login", "terms_accepted_at", "privacy_accepted_at", "ceased_at"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Portale",
            {
                "fields": [
                    "mobile",
                    "fiscal_code",
                    "entity_fiscal_code",
                    "status",
                    "origin",
                    "previous_login",
                    "terms_accepted_at",
                    "privacy_accepted_at",
                    "terms_version",
                    "ceased_at",
                ]
            },
        ),
    ]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The audit log, read-only for the back office (G-49)."""

    list_display = ["created_at", "kind", "username", "user", "ip", "detail"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username", "ip", "detail", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
