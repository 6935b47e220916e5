from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "interop"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.incoming, name="incoming"),
    path("ho-so/<str:code>/<slug:action>/", views.leg_action, name="leg-action"),
]
