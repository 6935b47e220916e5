from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_search, name="procedure-search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/",
        views.procedure_detail,
        name="procedure-version",
    ),
    path("co-quan/", views.agency_index, name="agency-index"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency-detail"),
    path("co-quan/<str:code>/nhung/", views.agency_embed, name="agency-embed"),
    path("bieu-mau/<int:pk>/tai-ve/", views.form_download, name="form-download"),
]
