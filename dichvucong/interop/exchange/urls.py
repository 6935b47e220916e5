from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/messages/", views.MessageView.as_view(), name="messages"),
]
