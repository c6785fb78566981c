"""Council, seat, membership and user-organisation pages (meetings are in urls_meetings)."""

from django.urls import path

from medvirk.councils import views

urlpatterns = [
    path("", views.council_list, name="list"),
    path("new/", views.council_create, name="create"),
    path("user-organisations/", views.user_organizations, name="user_organizations"),
    path("<int:council_id>/", views.council_detail, name="detail"),
    path("<int:council_id>/edit/", views.council_edit, name="edit"),
    path("<int:council_id>/seats/new/", views.seat_create, name="seat_create"),
    path("<int:council_id>/seats/<int:seat_id>/", views.seat_edit, name="seat_edit"),
    path("<int:council_id>/seats/<int:seat_id>/remove/", views.seat_remove, name="seat_remove"),
    path("<int:council_id>/members/new/", views.member_add, name="member_add"),
    path("<int:council_id>/members/<int:member_id>/", views.member_edit, name="member_edit"),
    path("<int:council_id>/members/<int:member_id>/end/", views.member_end, name="member_end"),
]
