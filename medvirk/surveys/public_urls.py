"""Answering a survey by its link or QR code, under /s/<token>/, with or without an account."""

from django.urls import path

from medvirk.surveys import answer_views

app_name = "survey_answer"

urlpatterns = [
    path("<str:token>/", answer_views.answer, name="answer"),
    path("<str:token>/thanks/", answer_views.thanks, name="thanks"),
]
