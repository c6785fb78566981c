"""The access log in Django's admin: read-only, for the technical operator.

Nobody may add, change or delete entries here, not even a superuser; the
organisation's own admins search the log in the app (views.entry_list).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from medvirk.accesslog.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "organization",
        "actor_label",
        "action",
        "subject_label",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "organization"]
    search_fields = ["actor_label", "subject_label", "object_type", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["organization"]
    # The table grows without bound: skip the extra unfiltered COUNT(*).
    show_full_result_count = False
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
