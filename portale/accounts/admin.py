from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "mobile", "entity_fiscal_code", "status"]
    search_fields = ["username", "first_name", "last_name", "mobile", "email", "fiscal_code"]
    list_filter = ["status", "origin", "is_staff"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Portale",
            {"fields": ["mobile", "fiscal_code", "entity_fiscal_code", "status", "origin"]},
        ),
    ]
