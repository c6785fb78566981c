from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from medvirk.core import views as core_views

urlpatterns = [
    path("", include("medvirk.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("medvirk.accounts.urls")),
    path("o/<slug:org_slug>/", include("medvirk.organizations.urls")),
    path("o/<slug:org_slug>/access-log/", include("medvirk.accesslog.urls")),
    path("o/<slug:org_slug>/learning/", include("medvirk.learning.urls")),
    path("o/<slug:org_slug>/questionnaires/", include("medvirk.questionnaires.urls")),
    path("o/<slug:org_slug>/councils/", include("medvirk.councils.urls")),
    path("o/<slug:org_slug>/consultations/", include("medvirk.consultations.urls")),
    path("p/<slug:org_slug>/consultations/", include("medvirk.consultations.public_urls")),
    path("o/<slug:org_slug>/surveys/", include("medvirk.surveys.urls")),
    path("s/", include("medvirk.surveys.public_urls")),
    path("o/<slug:org_slug>/proposals/", include("medvirk.proposals.urls")),
    path("p/<slug:org_slug>/", include("medvirk.proposals.public_urls")),
    path("o/<slug:org_slug>/representatives/", include("medvirk.representatives.urls")),
    path("o/<slug:org_slug>/care/", include("medvirk.care.urls")),
    path("care/invitations/", include("medvirk.care.invite_urls")),
    path("notifications/", include("medvirk.notifications.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "medvirk.core.views.error_403"
handler404 = "medvirk.core.views.error_404"
handler500 = "medvirk.core.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
