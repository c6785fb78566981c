"""Councils and meetings under /o/<org_slug>/councils/; each part has its own URL module."""

from medvirk.councils import urls_councils, urls_meetings

app_name = "councils"

urlpatterns = urls_councils.urlpatterns + urls_meetings.urlpatterns
