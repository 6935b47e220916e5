"""Accounts: the project's own user model, in place before the first migration.

Citizens', businesses' and officers' profiles arrive with the online-submission and
one-stop issues; having the custom model from the start lets them add fields and
relations without swapping Django's user model on a live database.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: a citizen, a business's representative or an officer."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
