from django.contrib import admin

from .models import OutboxAttachment, OutboxMessage


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxAttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "mimetype", "size"]
    readonly_fields = fields
    extra = 0

    @admin.display(description="byte")
    def size(self, obj):
        return len(obj.content or b"")


HIDDEN = "[riservato: codice o link, non leggibile]"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Delivery status for the back office. The text is never searchable, and a secret
    message's text (code, reset or confirmation link) is never shown (SECURITY.md)."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "kind",
        "secret",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["channel", "status", "kind", "backend", "secret"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    inlines = [OutboxAttachmentInline]
    list_per_page = 50
    fields = [
        "created_at",
        "channel",
        "recipient",
        "sender",
        "subject",
        "kind",
        "secret",
        "content",
        "status",
        "backend",
        "attempts",
        "last_error",
        "sent_at",
        "redacted_at",
    ]
    readonly_fields = fields

    @admin.display(description="testo")
    def content(self, obj):
        return HIDDEN if obj.secret else obj.text
