"""The technical admin for councils: mainly to tidy the installation-wide user-organisation list.

Coordinators run councils in the app; the operator may need to merge or
correct a user organisation that several organisations' coordinators typed.
"""

from __future__ import annotations

from django.contrib import admin

from medvirk.councils.models import Council, CouncilMember, Seat, UserOrganization


@admin.register(UserOrganization)
class UserOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    autocomplete_fields = ["user", "represents"]
    fields = ["user", "role", "seat", "represents", "term_start", "term_end"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "visibility", "is_active"]
    list_filter = ["kind", "visibility", "is_active"]
    search_fields = ["name"]
    list_select_related = ["organization"]
    inlines = [SeatInline, CouncilMemberInline]
