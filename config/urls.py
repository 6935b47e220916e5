from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dichvucong.core.views import health

urlpatterns = [
    # The machine-facing prefixes first: the API and the gateway's IPN are the hottest
    # paths, and no page pattern below matches them, so they skip the pages' patterns.
    path("api/v1/", include("config.api_urls", namespace="api")),
    path("payments/", include("dichvucong.payments.urls")),
    path("", include("dichvucong.portal.urls")),
    path("tai-khoan/", include("dichvucong.accounts.urls")),
    path("thong-bao/", include("dichvucong.notifications.urls")),
    path("", include("dichvucong.results.urls")),
    path("mot-cua/thong-ke/", include("dichvucong.reporting.urls")),
    path("mot-cua/lo-trinh/", include("dichvucong.reporting.roadmap.urls")),
    path("mot-cua/bao-cao/", include("dichvucong.reporting.periodic.urls")),
    path("mot-cua/lien-thong/", include("dichvucong.interop.urls")),
    path("mot-cua/", include("dichvucong.backoffice.urls")),
    path("cong-khai/", include("dichvucong.reporting.quality.urls")),
    path("exchange/", include("dichvucong.interop.exchange.urls")),
    path("national-sync/", include("dichvucong.interop.national.urls")),
    path("verify/", include("dichvucong.documents.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sign-in with the national identity provider (VNeID); 404 unless OIDC_ENABLED.
    path("oidc/", include("dichvucong.accounts.oidc_urls")),
    path("quan-tri/", admin.site.urls),
    path("healthz/", health, name="health"),
]

if settings.PAYMENT_SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/vnpay/", include("dichvucong.payments.sandbox.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
