"""Coordinators' survey pages under /o/<org_slug>/surveys/ (management and results)."""

from medvirk.surveys import urls_manage, urls_results

app_name = "surveys"

urlpatterns = urls_manage.urlpatterns + urls_results.urlpatterns
