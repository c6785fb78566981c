from django.urls import path

from medvirk.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("import/", views.import_questionnaire, name="import"),
    path("<int:questionnaire_id>/", views.questionnaire_detail, name="detail"),
    path(
        "<int:questionnaire_id>/versions/<int:number>/status/",
        views.version_status,
        name="version_status",
    ),
    path(
        "<int:questionnaire_id>/versions/<int:number>/fhir.json",
        views.version_resource,
        name="version_resource",
    ),
    path("<int:questionnaire_id>/preview/", views.preview, name="preview"),
    path("<int:questionnaire_id>/answer/", views.answer, name="answer"),
    path("<int:questionnaire_id>/mine/<int:response_id>/", views.my_response, name="my_response"),
    path("<int:questionnaire_id>/responses/", views.response_list, name="responses"),
    path(
        "<int:questionnaire_id>/responses/<int:response_id>/",
        views.response_detail,
        name="response_detail",
    ),
    path(
        "<int:questionnaire_id>/responses/<int:response_id>/files/<uuid:file_key>/",
        views.response_file,
        name="response_file",
    ),
    path("<int:questionnaire_id>/export/<str:fmt>/", views.export, name="export"),
]
