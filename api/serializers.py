"""What each API resource looks like on the wire."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assignments.models import Assignment
from champions.models import CoachingGroup
from curriculum.models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    LearningPathPage,
    LessonCompletion,
)
from curriculum.services import CertificateState, certificate_state
from people.models import Department, EmployeeProfile, Location, Team
from quizzes.models import Attempt


class NamedRefSerializer(serializers.Serializer):
    """A reference to an organisational unit: id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "parent", "updated_at"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "updated_at"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "department", "updated_at"]


class ManagerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class EmployeeSerializer(serializers.ModelSerializer):
    """An employee: the user id is the employee's id everywhere in the API."""

    id = serializers.IntegerField(source="user_id")
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    department = NamedRefSerializer(allow_null=True)
    location = NamedRefSerializer(allow_null=True)
    team = NamedRefSerializer(allow_null=True)
    manager = ManagerSerializer(allow_null=True)

    class Meta:
        model = EmployeeProfile
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "staff_role",
            "department",
            "location",
            "team",
            "manager",
            "hire_date",
            "is_active",
            "updated_at",
        ]


class TitlesMixin(serializers.Serializer):
    titles = serializers.SerializerMethodField(help_text="Title per language code.")

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_titles(self, page) -> dict:
        return self.context.get("titles", {}).get(
            page.translation_key, {page.locale.language_code: page.title}
        )


class CourseSerializer(TitlesMixin, serializers.ModelSerializer):
    """A course (German original; its id stays the same in every language)."""

    updated_at = serializers.DateTimeField(source="last_published_at")

    class Meta:
        model = CoursePage
        fields = [
            "id",
            "title",
            "titles",
            "slug",
            "summary",
            "level",
            "estimated_minutes",
            "final_exam",
            "updated_at",
        ]


class LearningPathSerializer(TitlesMixin, serializers.ModelSerializer):
    updated_at = serializers.DateTimeField(source="last_published_at")
    courses = serializers.SerializerMethodField(help_text="Course ids in order.")

    class Meta:
        model = LearningPathPage
        fields = ["id", "title", "titles", "slug", "audience", "courses", "updated_at"]

    def get_courses(self, path) -> list[int]:
        return self.context.get("courses", {}).get(path.path, [])


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class EnrolmentSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CourseEnrolment
        fields = [
            "id",
            "user",
            "course",
            "started_at",
            "last_lesson",
            "completed_at",
            "progress",
            "updated_at",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, enrolment) -> dict:
        row = self.context.get("progress", {}).get((enrolment.user_id, enrolment.course_id))
        if row is None:
            return {"done": 0, "total": 0, "percent": 0}
        return {"done": row["done"], "total": row["total"], "percent": row["percent"]}


class LessonCompletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonCompletion
        fields = ["id", "user", "lesson", "course", "completed_at"]


class QuizRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class QuizAttemptSerializer(serializers.ModelSerializer):
    """A submitted attempt: its score, never the answers."""

    quiz = QuizRefSerializer()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "user",
            "quiz",
            "context_key",
            "started_at",
            "submitted_at",
            "score_percent",
            "passed",
        ]

    def to_representation(self, instance):
        """The score only where the privacy settings show individuals' scores (else null)."""
        data = super().to_representation(instance)
        if not self.context.get("scores_shown", False):
            data["score_percent"] = None
        return data


class CertificateSerializer(serializers.ModelSerializer):
    verification_url = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField(
        help_text="When the certificate stops being valid (the start of the day after "
        "`expires_on`, site time zone); null if it does not expire."
    )
    state = serializers.SerializerMethodField(
        help_text="valid, expired (its expiry date has passed) or renewed (a newer one replaced it)."
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "user",
            "course",
            "course_title",
            "learner_name",
            "issued_at",
            "expires_on",
            "expires_at",
            "state",
            "verification_url",
        ]

    def get_verification_url(self, certificate) -> str:
        path = reverse("curriculum:verify_certificate", kwargs={"code": certificate.code})
        return settings.SITE_URL.rstrip("/") + path

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_expires_at(self, certificate) -> str | None:
        if certificate.expires_on is None:
            return None
        day_after = certificate.expires_on + datetime.timedelta(days=1)
        moment = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))
        return moment.isoformat()

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[CertificateState.VALID, CertificateState.EXPIRED, CertificateState.RENEWED]
        )
    )
    def get_state(self, certificate) -> str:
        return certificate_state(certificate)


class AssignmentSerializer(serializers.ModelSerializer):
    """A mandatory course for one person, with its status (read) or the fields to create one."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    course = serializers.PrimaryKeyRelatedField(queryset=CoursePage.objects.all())
    status = serializers.CharField(read_only=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "user",
            "course",
            "due_date",
            "status",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ChampionGroupSerializer(serializers.ModelSerializer):
    champion = serializers.IntegerField(source="champion.user_id")
    co_champion = serializers.IntegerField(source="co_champion.user_id", allow_null=True)
    members = serializers.SerializerMethodField(help_text="User ids of current members.")

    class Meta:
        model = CoachingGroup
        fields = [
            "id",
            "name",
            "champion",
            "co_champion",
            "focus",
            "start_date",
            "is_active",
            "members",
        ]

    def get_members(self, group) -> list[int]:
        return [m.user_id for m in group.current_memberships]
