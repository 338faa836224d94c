from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portale.accounts.views import admin_login

urlpatterns = [
    path("", include("portale.public.urls")),
    path("accesso/", include("portale.accounts.urls")),
    path("area-privata/", include("portale.home.urls")),
    path("backoffice/", include("portale.backoffice.urls")),
    path("area-privata/pratiche/", include("portale.cases.urls")),
    path("area-privata/dati-aziendali/", include("portale.company.urls")),
    path("area-privata/linee/", include("portale.inventory.urls")),
    path("area-privata/fatturazione/", include("portale.billing.urls")),
    path("area-privata/la-mia-linea/", include("portale.myline.urls")),
    path("area-privata/tim-tuo/", include("portale.dualbilling.urls")),
    path("area-privata/soglie/", include("portale.thresholds.urls")),
    path("area-privata/assistenza/", include("portale.support.urls")),
    path("area-privata/servizi-avanzati/", include("portale.services.urls")),
    path("area-privata/gestione-sim/", include("portale.sim.urls")),
    path("tem/", include("portale.tem.urls")),
    path("core/", include("portale.core.urls")),
    path("pagamenti/", include("portale.payments.urls")),
    # eBill: a system of its own, opened in a new window through the hand-off (P-11)
    path("ebill/", include("portale.ebill.urls")),
    # The admin's own password-only login is replaced by the portal's two-step one.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

handler403 = "portale.core.views.permission_denied"
handler404 = "portale.core.views.page_not_found"

if settings.PAYMENT_SANDBOX_ENABLED:
    # The local stand-in of the payment provider (its hosted pages), never in production.
    urlpatterns.append(path("psp-sandbox/", include("portale.payments.sandbox_urls")))

if settings.PORTALE_DEMO:
    urlpatterns.append(path("demo/", include("portale.core.demo_urls")))
