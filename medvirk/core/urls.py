from django.urls import path

from medvirk.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility"),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
