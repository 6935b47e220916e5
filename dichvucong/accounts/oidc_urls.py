"""The OpenID Connect URLs, under /oidc/: always installed, 404 while OIDC is off.

The names are mozilla-django-oidc's, which it reverses without a namespace.
"""

from django.urls import path

from .oidc import OIDCCallbackView, OIDCLoginView

urlpatterns = [
    path("authenticate/", OIDCLoginView.as_view(), name="oidc_authentication_init"),
    path("callback/", OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
