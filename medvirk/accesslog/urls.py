from django.urls import path

from medvirk.accesslog import views

app_name = "accesslog"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("export.csv", views.entry_export, name="entry_export"),
]
