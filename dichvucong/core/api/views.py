"""Base classes for API views."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny


class PublicAPIMixin:
    """A read of public information: anyone, no authentication, no session needed."""

    authentication_classes: Any = ()
    permission_classes: Any = (AllowAny,)
