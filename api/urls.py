"""/api/v1/ (REST + schema + docs), the HR screens for tokens and webhooks."""

from rest_framework.routers import SimpleRouter

from django.urls import include, path

from . import scim, screens, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("employees", views.EmployeeViewSet, basename="employee")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("locations", views.LocationViewSet, basename="location")
router.register("teams", views.TeamViewSet, basename="team")
router.register("courses", views.CourseViewSet, basename="course")
router.register("learning-paths", views.LearningPathViewSet, basename="learning-path")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("lesson-completions", views.LessonCompletionViewSet, basename="lesson-completion")
router.register("quiz-attempts", views.QuizAttemptViewSet, basename="quiz-attempt")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("champion-groups", views.ChampionGroupViewSet, basename="champion-group")

urlpatterns = [
    path("api/v1/schema/", screens.SchemaView.as_view(), name="schema"),
    path("api/v1/docs/", screens.docs, name="docs"),
    path("api/v1/", include(router.urls)),
    path(
        "scim/v2/ServiceProviderConfig",
        scim.ServiceProviderConfigView.as_view(),
        name="scim_config",
    ),
    path("scim/v2/ResourceTypes", scim.ResourceTypesView.as_view(), name="scim_resource_types"),
    path(
        "scim/v2/ResourceTypes/<str:type_id>",
        scim.ResourceTypesView.as_view(),
        name="scim_resource_type",
    ),
    path("scim/v2/Schemas", scim.SchemasView.as_view(), name="scim_schemas"),
    path("scim/v2/Schemas/<str:schema_id>", scim.SchemasView.as_view(), name="scim_schema"),
    path("scim/v2/Users", scim.UsersView.as_view(), name="scim_users"),
    path("scim/v2/Users/<str:user_id>", scim.UserView.as_view(), name="scim_user"),
    path("scim/v2/Groups", scim.GroupsView.as_view(), name="scim_groups"),
    path("scim/v2/Groups/<str:group_id>", scim.GroupView.as_view(), name="scim_group"),
    path("scim/v2/<path:rest>", scim.UnknownView.as_view()),
    path("integrations/tokens/", screens.tokens, name="tokens"),
    path("integrations/tokens/<int:token_id>/revoke/", screens.revoke, name="revoke_token"),
    path("integrations/webhooks/", screens.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:endpoint_id>/", screens.webhook_log, name="webhook_log"),
]
