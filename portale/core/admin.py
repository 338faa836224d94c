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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "kind",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["channel", "status", "kind", "backend"]
    search_fields = ["recipient", "subject", "text"]
    date_hierarchy = "created_at"
    inlines = [OutboxAttachmentInline]
    list_per_page = 50
