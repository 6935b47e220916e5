from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dang-ky/kiem-tra-thu/", views.register_done, name="register-done"),
    path("xac-thuc/<str:token>/", views.verify, name="verify"),
    path("gui-lai-xac-thuc/", views.resend_verification, name="resend-verification"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "quen-mat-khau/da-gui/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "doi-mat-khau/xong/",
        views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("ho-so/", views.profile, name="profile"),
]
