from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "roadmap"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.plan_detail, name="plan"),
    path("<slug:slug>/tien-do.xlsx", views.plan_export, name="plan-export"),
    path("<slug:slug>/phu-luc.xlsx", views.annex_export, name="annex-export"),
    path("<slug:slug>/nhap-phu-luc/", views.annex_import, name="annex-import"),
    path("<slug:slug>/chi-tieu/", views.targets_edit, name="targets-edit"),
]
