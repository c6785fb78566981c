"""The technical admin for people: e-mail is the login, there is no username."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        # Same normalisation as UserManager and allauth: addresses are stored lower-case.
        return str(self.cleaned_data["email"]).strip().lower()


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MembershipInline(admin.TabularInline):
    """Roles are shown here but changed in Medvirk, where the change is logged."""

    model = Membership
    fields = ("organization", "role", "unit")
    readonly_fields = ("organization", "role", "unit")
    extra = 0
    can_delete = False
    verbose_name_plural = _("roles (change them under the organisation's members)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = (MembershipInline,)
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "is_demo", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "is_demo", "preferred_language")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "preferred_language", "email_frequency")}),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "is_demo",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[type[Any]]:
        # A new person has no roles yet; roles are given under the organisation.
        return list(self.inlines) if obj is not None else []
