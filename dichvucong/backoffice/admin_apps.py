"""The admin application with the officers' admin site (see admin_site.py).

A module of its own: INSTALLED_APPS imports it before any model is loaded.
"""

from django.contrib.admin.apps import AdminConfig


class OfficerAdminConfig(AdminConfig):
    default_site = "dichvucong.backoffice.admin_site.OfficerAdminSite"
