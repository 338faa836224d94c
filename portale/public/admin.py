from django.contrib import admin

from .models import Document, News


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "audience", "is_new"]
    list_filter = ["audience", "published_at"]
    search_fields = ["title", "teaser", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"

    @admin.display(boolean=True, description="NUOVO")
    def is_new(self, obj):
        return obj.is_new


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "order", "updated_at"]
    list_editable = ["order"]
    list_filter = ["audience"]
    search_fields = ["title", "description"]
