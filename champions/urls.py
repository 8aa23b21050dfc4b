"""URLs of the champions app."""

from django.urls import path

from . import observation_views, views

app_name = "champions"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("apply/", views.apply, name="apply"),
    path("nominate/<int:user_id>/", views.nominate, name="nominate"),
    path("profile/", views.profile, name="profile"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("nudge/<int:user_id>/", views.nudge, name="nudge"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:profile_id>/status/", views.set_status, name="set_status"),
    path("manage/groups/new/", views.create_group, name="create_group"),
    path("manage/auto-assign/", views.apply_auto_assignment, name="auto_assign"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/sessions/new/", views.log_session, name="log_session"),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/",
        views.session_detail,
        name="session",
    ),
    path(
        "action-items/<int:item_id>/done/", views.complete_action_item, name="complete_action_item"
    ),
    # floor observations
    path("observations/", observation_views.observation_list, name="observations"),
    path("observations/new/", observation_views.observe_start, name="observe_start"),
    path(
        "observations/<int:observation_id>/",
        observation_views.observation_detail,
        name="observation",
    ),
    path(
        "observations/<int:observation_id>/edit/",
        observation_views.observation_edit,
        name="observation_edit",
    ),
    path(
        "observations/<int:observation_id>/autosave/",
        observation_views.observation_autosave,
        name="observation_autosave",
    ),
    path(
        "observations/<int:observation_id>/acknowledge/",
        observation_views.observation_acknowledge,
        name="observation_acknowledge",
    ),
    path(
        "observations/<int:observation_id>/follow-up/",
        observation_views.observation_follow_up,
        name="observation_follow_up",
    ),
    path("skills/", observation_views.skills, name="skills"),
    path("skills/people/<int:user_id>/", observation_views.person_skills, name="person_skills"),
]
