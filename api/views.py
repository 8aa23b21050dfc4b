"""REST resources under /api/v1/: thin viewsets over the apps' models and services."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, pagination, permissions, viewsets
from rest_framework.response import Response

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import privacy
from assignments import services as assignment_services
from assignments.models import Assignment
from champions.models import CoachingGroup, Membership
from curriculum import services as curriculum_services
from curriculum.models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    LearningPathPage,
    LessonCompletion,
)
from people.models import Department, EmployeeProfile, Location, Team
from quizzes.models import Attempt

from . import serializers, services
from .auth import ApiTokenAuthentication, HasTokenScope, TokenRateThrottle
from .models import ApiToken, ResourceFamily

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    str,
    description="Only rows changed at or after this ISO 8601 time (or date), for incremental sync.",
    required=False,
)


class SyncCursorPagination(pagination.CursorPagination):
    """Stable cursor pages in the view's sync order (oldest change first)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering


class UpdatedSinceFilter(filters.BaseFilterBackend):
    """`?updated_since=` on the view's change-time field; a bad value is a clear 400."""

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get("updated_since")
        if not raw:
            return queryset
        moment = _parse_moment(raw)
        if moment is None:
            raise exceptions.ValidationError(
                {"updated_since": [_("Give an ISO 8601 date or time, e.g. 2026-05-01T08:00:00Z.")]}
            )
        return queryset.filter(**{f"{view.updated_field}__gte": moment})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "updated_since",
                "in": "query",
                "required": False,
                "description": UPDATED_SINCE.description,
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


def _parse_moment(raw: str) -> datetime.datetime | None:
    try:
        moment = parse_datetime(raw.replace(" ", "+"))
        if moment is None:
            day = parse_date(raw)
            if day is None:
                return None
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    try:
        # in UTC: PostgreSQL refuses offsets beyond ±15:59 (schemathesis sent "-18:47")
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the offset
        return None


class FollowsVisibilityPolicy(permissions.BasePermission):
    """Resources about individuals' learning are served only as far as HR's privacy policy
    shows individuals (a token is HR's: `accounts.privacy` decides, as for HR's reports)."""

    message = gettext_lazy(
        "The privacy settings allow only group figures: individual learning records are not "
        "available through the API."
    )

    def has_permission(self, request, view) -> bool:
        policy = privacy.policy_for(privacy.HR)
        if view.individual == "progress":
            return policy.individual_progress
        if view.individual == "quiz":
            return policy.individual_progress and policy.individual_pass_fail
        return True


class ResourceViewSet(viewsets.GenericViewSet):
    """Token auth, scope check, per-token rate limit, cursor pages, updated-since, audit."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasTokenScope, FollowsVisibilityPolicy]
    individual: str = ""  # "progress" or "quiz": records about one person's learning
    throttle_classes = [TokenRateThrottle]
    pagination_class = SyncCursorPagination
    filter_backends = [UpdatedSinceFilter]
    resource_family: str = ""
    updated_field = "updated_at"
    lookup_value_regex = r"[0-9]{1,18}"  # a longer number is a 404, not an integer overflow

    @property
    def cursor_ordering(self) -> tuple[str, ...]:
        return (self.updated_field, "pk")

    def page_context(self, rows: list) -> dict:
        """Extra serializer context computed once per page (keeps query counts constant)."""
        return {}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), **self.page_context(page)}
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(
            instance, context={**self.get_serializer_context(), **self.page_context([instance])}
        )
        return Response(serializer.data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None)
        if isinstance(token, ApiToken):
            services.record_use(
                token, request.method, request.get_full_path(), response.status_code
            )
        return response


def _read_only(name: str):
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}"),
        retrieve=extend_schema(summary=f"One of the {name}"),
    )


@_read_only("employees")
class EmployeeViewSet(ResourceViewSet):
    """Employees with department, location, team, manager, role and whether they are active."""

    resource_family = ResourceFamily.PEOPLE
    serializer_class = serializers.EmployeeSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"
    queryset = EmployeeProfile.objects.select_related(
        "user", "department", "location", "team", "manager"
    ).order_by()


class _OrgViewSet(ResourceViewSet):
    resource_family = ResourceFamily.PEOPLE


@_read_only("departments")
class DepartmentViewSet(_OrgViewSet):
    serializer_class = serializers.DepartmentSerializer
    queryset = Department.objects.order_by()


@_read_only("locations")
class LocationViewSet(_OrgViewSet):
    serializer_class = serializers.LocationSerializer
    queryset = Location.objects.order_by()


@_read_only("teams")
class TeamViewSet(_OrgViewSet):
    serializer_class = serializers.TeamSerializer
    queryset = Team.objects.order_by()


def _titles(pages) -> dict:
    """{translation_key: {language: title}} of the pages' live translations, in one query."""
    from wagtail.models import Page

    titles: dict = {}
    for key, language, title in (
        Page.objects.live()
        .filter(translation_key__in=[p.translation_key for p in pages])
        .values_list("translation_key", "locale__language_code", "title")
    ):
        titles.setdefault(key, {})[language] = title
    return titles


class _PageViewSet(_OrgViewSet):
    resource_family = ResourceFamily.LEARNING
    updated_field = "last_published_at"
    page_model = CoursePage

    def get_queryset(self):
        return (
            self.page_model.objects.live()
            .filter(locale__language_code=settings.LANGUAGE_CODE)
            .select_related("locale")
            .order_by()
        )

    def page_context(self, rows):
        return {"titles": _titles(rows)}


@_read_only("courses")
class CourseViewSet(_PageViewSet):
    """Courses (German originals: the id is the same for every language)."""

    serializer_class = serializers.CourseSerializer
    page_model = CoursePage


@_read_only("learning paths")
class LearningPathViewSet(_PageViewSet):
    serializer_class = serializers.LearningPathSerializer
    page_model = LearningPathPage

    def page_context(self, rows):
        from django.db.models import Q

        condition = Q(pk__in=[])
        for path in rows:
            condition |= Q(path__startswith=path.path, depth=path.depth + 1)
        courses: dict = {}
        for course_id, course_path in (
            CoursePage.objects.live().filter(condition).order_by("path").values_list("pk", "path")
        ):
            courses.setdefault(course_path[: -CoursePage.steplen], []).append(course_id)
        return {"titles": _titles(rows), "courses": courses}


@_read_only("course enrolments")
class EnrolmentViewSet(_OrgViewSet):
    """Who started which course, how far they are, when they finished."""

    individual = "progress"
    resource_family = ResourceFamily.LEARNING
    serializer_class = serializers.EnrolmentSerializer
    queryset = CourseEnrolment.objects.order_by()

    def page_context(self, rows):
        if not rows:
            return {}
        courses = CoursePage.objects.filter(pk__in={r.course_id for r in rows})
        return {
            "progress": curriculum_services.progress_for_users(
                list({r.user_id for r in rows}), list(courses)
            )
        }


@_read_only("lesson completions")
class LessonCompletionViewSet(_OrgViewSet):
    individual = "progress"
    resource_family = ResourceFamily.LEARNING
    serializer_class = serializers.LessonCompletionSerializer
    queryset = LessonCompletion.objects.order_by()
    updated_field = "completed_at"


@_read_only("quiz attempts")
class QuizAttemptViewSet(_OrgViewSet):
    """Submitted quiz attempts with their score (never the answers)."""

    individual = "quiz"
    resource_family = ResourceFamily.LEARNING
    serializer_class = serializers.QuizAttemptSerializer
    queryset = Attempt.objects.filter(submitted_at__isnull=False).select_related("quiz").order_by()
    updated_field = "submitted_at"

    def page_context(self, rows):
        return {"scores_shown": privacy.policy_for(privacy.HR).individual_scores}


@_read_only("certificates")
class CertificateViewSet(_OrgViewSet):
    individual = "progress"
    resource_family = ResourceFamily.LEARNING
    serializer_class = serializers.CertificateSerializer
    queryset = Certificate.objects.order_by()
    updated_field = "issued_at"


@extend_schema_view(
    list=extend_schema(summary="List assignments with their status"),
    retrieve=extend_schema(summary="One assignment with its status"),
    create=extend_schema(summary="Assign a course to one person by a due date"),
)
class AssignmentViewSet(mixins.CreateModelMixin, _OrgViewSet):
    """Mandatory training per person: list with status, or create one (read-write scope)."""

    individual = "progress"
    resource_family = ResourceFamily.ASSIGNMENTS
    serializer_class = serializers.AssignmentSerializer

    def get_queryset(self):
        return assignment_services.with_progress(Assignment.objects.order_by())

    def _with_status(self, rows):
        today = timezone.localdate()
        for row in rows:
            row.status = assignment_services.status_of(
                row.due_date, row.started_at is not None, row.completed_at, today
            ).value
        return rows

    def page_context(self, rows):
        self._with_status(rows)
        return {}

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            assignment = assignment_services.assign_course(
                None, data["user"], data["course"], data["due_date"]
            )
        except assignment_services.AssignmentError as error:
            raise exceptions.ValidationError({"non_field_errors": [str(error)]}) from error
        serializer.instance = self._with_status([self.get_queryset().get(pk=assignment.pk)])[0]


@_read_only("champion coaching groups")
class ChampionGroupViewSet(_OrgViewSet):
    """Champions' coaching groups and their current members (no updated-since: groups change
    through memberships, which carry no change time)."""

    resource_family = ResourceFamily.CHAMPIONS
    serializer_class = serializers.ChampionGroupSerializer
    filter_backends: list = []
    cursor_ordering = ("pk",)
    queryset = (
        CoachingGroup.objects.select_related("champion", "co_champion")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(ended_on__isnull=True).order_by("pk"),
                to_attr="current_memberships",
            )
        )
        .order_by()
    )
