"""Accounts administration: users with their applicant profile inline.

Officers correct an applicant's identity fields here (the applicant cannot once they
are filled in), after checking the papers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ExternalIdentity, Membership, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    max_num = 1
    autocomplete_fields = ["administrative_unit"]
    readonly_fields = ["updated_at"]
    fields = [
        "kind",
        "full_name",
        "date_of_birth",
        "citizen_id",
        "organization_name",
        "tax_code",
        "phone",
        "address_line",
        "administrative_unit",
        "email_verified_at",
        "updated_at",
    ]


class ExternalIdentityInline(admin.TabularInline):
    """Sign-ins with the national identity provider; an administrator may unlink one."""

    model = ExternalIdentity
    fields = ("issuer", "subject", "created_at", "last_login_at")
    readonly_fields = ("issuer", "subject", "created_at", "last_login_at")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    """The officer's roles: one row per agency and role, optionally in a unit."""

    model = Membership
    fk_name = "user"
    fields = ("agency", "unit", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("agency", "unit")
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who holds which role where: the list an agency's staff changes are checked in."""

    list_display = ("user", "agency", "unit", "role", "created_at")
    list_filter = ("role", "agency__tier")
    search_fields = ("user__username", "user__last_name", "user__first_name", "agency__name")
    autocomplete_fields = ("user", "agency", "unit")
    list_select_related = ("user", "agency", "unit")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline, ExternalIdentityInline, MembershipInline]
    list_display = ["username", "email", "profile_name", "profile_kind", "is_active", "is_staff"]
    list_filter = ["profile__kind", "is_active", "is_staff", "is_superuser", "groups"]
    search_fields = [
        "username",
        "email",
        "profile__full_name",
        "profile__citizen_id",
        "profile__organization_name",
        "profile__tax_code",
    ]
    list_select_related = ["profile"]

    @admin.display(description=_("họ và tên"), ordering="profile__full_name")
    def profile_name(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile) if profile else ""

    @admin.display(description=_("loại tài khoản"), ordering="profile__kind")
    def profile_kind(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_kind_display() if profile else ""
