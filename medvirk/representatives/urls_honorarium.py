"""URLs of the representatives app's honorarium pages (mounted by urls.py).

Representatives: ``claims_mine`` ("My claims") and a claim's pages, their own
claims only. Coordinators: ``honorarium_rates``, ``honorarium_queue`` (claims
to approve) and ``honorarium_payroll`` (exports for payroll).
"""

from django.urls import URLPattern, path

from medvirk.representatives import honorarium_views as views

urlpatterns: list[URLPattern] = [
    # The representative's own claims.
    path("claims/", views.claims_mine, name="claims_mine"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<int:claim_id>/delete/", views.claim_delete, name="claim_delete"),
    path("claims/<int:claim_id>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:claim_id>/files/<slug:kind>/", views.claim_file, name="claim_file"),
    # Rates.
    path("honorarium/rates/", views.rates, name="honorarium_rates"),
    path("honorarium/rates/new/", views.rate_create, name="honorarium_rate_create"),
    path("honorarium/rates/<int:rate_id>/edit/", views.rate_edit, name="honorarium_rate_edit"),
    path(
        "honorarium/rates/<int:rate_id>/delete/",
        views.rate_delete,
        name="honorarium_rate_delete",
    ),
    # The coordinators' queue.
    path("honorarium/claims/", views.queue, name="honorarium_queue"),
    path("honorarium/claims/<int:claim_id>/", views.queue_claim, name="honorarium_claim"),
    path(
        "honorarium/claims/<int:claim_id>/approve/",
        views.queue_approve,
        name="honorarium_claim_approve",
    ),
    path(
        "honorarium/claims/<int:claim_id>/reject/",
        views.queue_reject,
        name="honorarium_claim_reject",
    ),
    path(
        "honorarium/claims/<int:claim_id>/files/<slug:kind>/",
        views.queue_file,
        name="honorarium_claim_file",
    ),
    # Payroll.
    path("honorarium/payroll/", views.payroll_page, name="honorarium_payroll"),
    path("honorarium/payroll/exports/", views.payroll_exports, name="honorarium_payroll_exports"),
    path(
        "honorarium/payroll/exports/<int:export_id>/",
        views.payroll_export,
        name="honorarium_payroll_export",
    ),
    path(
        "honorarium/payroll/exports/<int:export_id>/<slug:fmt>/",
        views.payroll_download,
        name="honorarium_payroll_download",
    ),
]
