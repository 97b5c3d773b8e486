"""The case review's pages, mounted at /case-reviews/."""

from django.urls import path

from casereviews import views

meeting = "meetings/<uuid:meeting_id>/"
person = meeting + "people/<uuid:reviewed_id>/"

urlpatterns = [
    path("", views.case_review_list, name="case_review_list"),
    path("team-setting/", views.case_review_setting, name="case_review_setting"),
    path("my-actions/", views.my_actions, name="case_review_my_actions"),
    path("meetings/new/", views.meeting_schedule, name="case_review_schedule"),
    path(meeting, views.meeting_detail, name="case_review_meeting"),
    path(meeting + "people/", views.meeting_people, name="case_review_people"),
    path(meeting + "history/", views.meeting_history, name="case_review_history"),
    path(meeting + "held/", views.meeting_hold, name="case_review_hold"),
    path(meeting + "invite/", views.meeting_invite, name="case_review_invite"),
    path(person + "decisions/", views.reviewed_decisions, name="case_review_decisions"),
    path(person + "actions/new/", views.action_create, name="case_review_action_create"),
    path("actions/<uuid:action_id>/done/", views.action_done, name="case_review_action_done"),
]
