from django.urls import path

from medvirk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa-required/", views.mfa_required, name="mfa_required"),
    path("profile/", views.profile, name="profile"),
]
