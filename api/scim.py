"""SCIM 2.0 (RFC 7643/7644) at /scim/v2/: the company's identity provider manages employees.

Users are employees (user + employee profile) with the enterprise extension for department and
manager; Groups are departments. Deactivating or deleting a user only deactivates the employee:
their learning history stays. Payloads are parsed and written with scim2-models."""

from __future__ import annotations

import hashlib
import re

from pydantic import ValidationError
from rest_framework import exceptions, parsers, renderers
from rest_framework.response import Response
from rest_framework.views import APIView
from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Error,
    Group,
    GroupMember,
    Manager,
    Meta,
    Name,
    PatchOp,
    ResourceType,
    ResponseParameters,
    ServiceProviderConfig,
    User,
)

from django.conf import settings
from django.contrib.auth.models import Group as RoleGroup
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from accounts import audit, roles
from accounts.models import User as Account
from accounts.permissions import (
    PROVISIONED_ROLES,
    is_protected_from_provisioning,
    privileged_accounts,
)
from assignments.models import AssignmentRule
from people.models import Department, EmployeeProfile

from . import services
from .auth import ApiTokenAuthentication, HasTokenScope, TokenRateThrottle
from .models import ApiToken, ResourceFamily, ScimGroup, ScimIdentity

ScimUser = User[EnterpriseUser]
NO_MAIL_DOMAIN = "no-mail.invalid"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200


class ScimProblem(Exception):
    """A SCIM error response (status, scimType, detail)."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


class ScimJSONRenderer(renderers.JSONRenderer):
    media_type = "application/scim+json"


class ScimJSONParser(parsers.JSONParser):
    media_type = "application/scim+json"


def _error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = Error(status=status, scim_type=scim_type, detail=detail).model_dump()
    return Response(body, status=status)


class ScimView(APIView):
    """Token (scope "scim") auth, rate limit, audit, and SCIM-shaped errors for every endpoint."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasTokenScope]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [ScimJSONParser, parsers.JSONParser]
    renderer_classes = [ScimJSONRenderer, renderers.JSONRenderer]
    resource_family = ResourceFamily.SCIM

    def handle_exception(self, exc):
        if isinstance(exc, ScimProblem):
            return _error(exc.status, exc.detail, exc.scim_type)
        if isinstance(exc, exceptions.ParseError):
            return _error(400, str(exc.detail), "invalidSyntax")
        if isinstance(exc, ValidationError):
            return _error(400, _pydantic_detail(exc), "invalidValue")
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            scim_response = _error(response.status_code, detail)
            for header in ("WWW-Authenticate", "Retry-After"):
                if header in response:
                    scim_response[header] = response[header]
            return scim_response
        raise exc

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None)
        if isinstance(token, ApiToken):
            services.record_use(
                token, request.method, request.get_full_path(), response.status_code
            )
        return response

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/scim/v2").rstrip("/")


def _pydantic_detail(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}"[:300]


def _payload(request) -> dict:
    if not isinstance(request.data, dict):
        raise ScimProblem(400, "The body must be a JSON object.", "invalidSyntax")
    return request.data


# Discovery ---------------------------------------------------------------------------------


class ServiceProviderConfigView(ScimView):
    def get(self, request):
        config = ServiceProviderConfig.model_validate(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "documentationUri": f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/api/v1/docs/",
                "patch": {"supported": True},
                "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
                "filter": {"supported": True, "maxResults": MAX_RESULTS},
                "changePassword": {"supported": False},
                "sort": {"supported": False},
                "etag": {"supported": False},
                "authenticationSchemes": [
                    {
                        "type": "oauthbearertoken",
                        "name": "API token",
                        "description": "An API token with SCIM access, created by HR.",
                        "primary": True,
                    }
                ],
                "meta": {
                    "resourceType": "ServiceProviderConfig",
                    "location": f"{self.base_url()}/ServiceProviderConfig",
                },
            }
        )
        return Response(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _resource_types(base: str) -> list[dict]:
    types = []
    for model, endpoint in ((ScimUser, "/Users"), (Group, "/Groups")):
        resource_type = ResourceType.from_resource(model)
        resource_type.endpoint = endpoint
        resource_type.meta = Meta(
            resource_type="ResourceType", location=f"{base}/ResourceTypes/{resource_type.id}"
        )
        types.append(resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return types


def _schemas(base: str) -> list[dict]:
    result = []
    for model in (User, EnterpriseUser, Group):
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
        result.append(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return result


def _list(resources: list[dict], total: int | None = None, start: int = 1) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources) if total is None else total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


class ResourceTypesView(ScimView):
    def get(self, request, type_id: str | None = None):
        types = _resource_types(self.base_url())
        if type_id is None:
            return Response(_list(types))
        found = next((t for t in types if t["id"] == type_id), None)
        if found is None:
            raise ScimProblem(404, f"No resource type {type_id}.")
        return Response(found)


class SchemasView(ScimView):
    def get(self, request, schema_id: str | None = None):
        schemas = _schemas(self.base_url())
        if schema_id is None:
            return Response(_list(schemas))
        found = next((s for s in schemas if s["id"] == schema_id), None)
        if found is None:
            raise ScimProblem(404, f"No schema {schema_id}.")
        return Response(found)


# Filters and pages -------------------------------------------------------------------------

FILTER = re.compile(r'^\s*([A-Za-z0-9_.:$]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def _parse_filter(raw: str | None, allowed: dict[str, str]) -> tuple[str, str] | None:
    """`attr eq "value"` on one of the allowed attributes → (lookup, value); else 400."""
    if not raw:
        return None
    match = FILTER.match(raw)
    attribute = match.group(1).lower() if match else ""
    attribute = attribute.removeprefix("urn:ietf:params:scim:schemas:core:2.0:user:")
    attribute = attribute.removeprefix("urn:ietf:params:scim:schemas:core:2.0:group:")
    if not match or attribute not in allowed:
        raise ScimProblem(
            400,
            "Only 'attribute eq \"value\"' filters on "
            + ", ".join(sorted(allowed))
            + " are supported.",
            "invalidFilter",
        )
    return allowed[attribute], match.group(2).replace('\\"', '"')


def _page(params) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = params.get(name)
        try:
            return int(raw) if raw not in (None, "") else default
        except ValueError:
            raise ScimProblem(400, f"{name} must be a number.", "invalidValue") from None

    start = max(1, number("startIndex", 1))
    count = min(max(0, number("count", MAX_RESULTS)), MAX_RESULTS)
    return start, count


def _dump(resource, request) -> dict:
    """The resource as JSON, honouring attributes / excludedAttributes."""
    parameters = {}
    for param in ("attributes", "excludedAttributes"):
        raw = request.query_params.get(param) or (
            request.data.get(param) if isinstance(request.data, dict) else None
        )
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if raw:
            parameters[param] = raw
    try:
        response_parameters = ResponseParameters.model_validate(parameters) if parameters else None
        return resource.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=response_parameters
        )
    except (ValueError, TypeError) as error:
        raise ScimProblem(400, str(error)[:300], "invalidValue") from error


def _kept(resource) -> dict:
    """What to keep of a resource the IdP sent (everything but id and meta)."""
    data = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data.pop("id", None)
    data.pop("meta", None)
    return data


# Users -------------------------------------------------------------------------------------


def _ensure_identities() -> None:
    """Every account gets a SCIM id the first time an IdP looks (existing staff included)."""
    missing = Account.objects.filter(scim_identity__isnull=True, is_superuser=False).values_list(
        "pk", flat=True
    )
    ScimIdentity.objects.bulk_create(
        [ScimIdentity(user_id=pk) for pk in missing], ignore_conflicts=True
    )


def _users():
    return ScimIdentity.objects.filter(
        deleted_at__isnull=True, user__is_superuser=False
    ).select_related(
        "user",
        "user__employee",
        "user__employee__department",
        "user__employee__manager__scim_identity",
    )


def _user_resource(identity: ScimIdentity, base: str) -> ScimUser:
    user = identity.user
    profile = getattr(user, "employee", None)
    location = f"{base}/Users/{identity.scim_id}"
    last_modified = identity.updated_at
    if profile is not None and profile.updated_at > last_modified:
        last_modified = profile.updated_at
    resource = ScimUser.model_validate(identity.attributes) if identity.attributes else ScimUser()
    resource.id = str(identity.scim_id)
    resource.external_id = identity.external_id or None
    resource.user_name = identity.user_name or user.email
    name = resource.name or Name()
    name.given_name = user.first_name or None
    name.family_name = user.last_name or None
    name.formatted = name.formatted or user.get_full_name() or None
    resource.name = name
    managed = bool(identity.attributes)  # attributes the IdP manages are returned as sent
    if not managed:
        resource.display_name = user.display_name
    resource.title = (profile.job_title or None) if profile else None
    if not managed:
        resource.preferred_language = user.preferred_language
    active = user.is_active and (profile.is_active if profile else True)
    resource.active = None if active and managed and resource.active is None else active
    sent_emails = [str(e.value).lower() for e in resource.emails or []]
    if not user.email.endswith(NO_MAIL_DOMAIN) and user.email not in sent_emails:
        resource.emails = [Email(value=user.email, primary=True, type="work")]
    resource.meta = Meta(
        resource_type="User",
        created=identity.created_at,
        last_modified=last_modified,
        location=location,
    )
    manager = profile.manager if profile else None
    manager_identity = getattr(manager, "scim_identity", None) if manager else None
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    sent_manager = enterprise.manager
    enterprise.department = profile.department.name if profile and profile.department else None
    enterprise.manager = (
        Manager(
            value=str(manager_identity.scim_id),
            ref=f"{base}/Users/{manager_identity.scim_id}",
            display_name=sent_manager.display_name
            if sent_manager and sent_manager.value == str(manager_identity.scim_id)
            else manager.display_name,
        )
        if manager_identity
        else None
    )
    if enterprise.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, exclude={"schemas"}):
        enterprise.schemas = [ENTERPRISE_URN]
    resource[EnterpriseUser] = enterprise
    return resource


def _lenient_manager(payload: dict, base: str) -> dict:
    """IdPs send the manager as {"value": id} (or a bare id); RFC 7643 wants a $ref too."""
    key = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    for extension_key in [k for k in payload if k.lower() == key.lower()]:
        extension = payload[extension_key]
        if isinstance(extension, dict):
            for manager_key in [k for k in extension if k.lower() == "manager"]:
                manager = extension[manager_key]
                if isinstance(manager, str):
                    manager = {"value": manager}
                if isinstance(manager, dict) and manager.get("value") and not manager.get("$ref"):
                    manager = {**manager, "$ref": f"{base}/Users/{manager['value']}"}
                if isinstance(manager, dict) and not manager.get("value"):
                    manager = None
                extension[manager_key] = manager
    return payload


def _find_manager(manager: Manager | None):
    if manager is None or not manager.value:
        return None
    identity = (
        ScimIdentity.objects.filter(scim_id=_uuid_or_none(manager.value), deleted_at__isnull=True)
        .select_related("user")
        .first()
    )
    if identity is None:
        raise ScimProblem(400, f"Manager {manager.value} is not a known user.", "invalidValue")
    return identity.user


def _refuse_privileged(identity: ScimIdentity | None) -> None:
    """An identity provider manages learners and champions like HR does; administrator, HR
    and editor accounts are changed only by an administrator (the people import's rule)."""
    if identity is not None and is_protected_from_provisioning(identity.user):
        raise ScimProblem(
            403,
            f"{identity.user.email} is an administrator, HR or editor account; "
            "only an administrator may change it in CX Academy.",
            "mutability",
        )


def _refuse_moving_privileged(department: Department, member_users: set[int]) -> None:
    """A group change may not move an administrator, HR or editor account into or out of a
    department (the same rule as for the user itself)."""
    leaving = EmployeeProfile.objects.filter(department=department).exclude(
        user_id__in=member_users
    )
    joining = Account.objects.filter(pk__in=member_users).exclude(employee__department=department)
    moved = privileged_accounts(PROVISIONED_ROLES).filter(
        Q(pk__in=leaving.values("user_id")) | Q(pk__in=joining.values("pk"))
    )
    emails = sorted(moved.values_list("email", flat=True))
    if emails:
        raise ScimProblem(
            403,
            f"{', '.join(emails)}: administrator, HR or editor accounts; only an administrator "
            "may change their department in CX Academy.",
            "mutability",
        )


def _uuid_or_none(raw: str):
    import uuid

    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _email_of(resource: ScimUser) -> str:
    """The log-in e-mail: userName when it is an address, else the primary (or first) e-mail."""
    candidates = [resource.user_name or ""]
    emails = sorted(resource.emails or [], key=lambda e: not e.primary)
    candidates += [str(e.value or "") for e in emails]
    for candidate in candidates:
        candidate = candidate.strip().lower()
        try:
            validate_email(candidate)
        except DjangoValidationError:
            continue
        return candidate
    # No address at all (some IdPs provision accounts before mailboxes): a reserved .invalid
    # address derived from userName, so the account exists but nothing is ever mailed to it.
    digest = hashlib.sha256((resource.user_name or "").strip().lower().encode()).hexdigest()
    return f"{digest[:24]}@{NO_MAIL_DOMAIN}"


@transaction.atomic
def save_user(resource: ScimUser, identity: ScimIdentity | None) -> tuple[ScimIdentity, bool]:
    """Create or replace an employee from a SCIM user; returns (identity, created)."""
    user_name = (resource.user_name or "").strip()
    if not user_name:
        raise ScimProblem(400, "userName is required.", "invalidValue")
    email = _email_of(resource)
    taken = ScimIdentity.objects.filter(user_name__iexact=user_name, deleted_at__isnull=True)
    if identity is not None:
        taken = taken.exclude(pk=identity.pk)
    if user_name.lower() != email and taken.exists():
        raise ScimProblem(409, f"A user with userName {user_name} exists.", "uniqueness")
    clash = Account.objects.filter(email=email)
    if identity is not None:
        clash = clash.exclude(pk=identity.user_id)
    existing = clash.select_related("scim_identity").first()
    if existing is not None:
        existing_identity = getattr(existing, "scim_identity", None)
        if identity is None and existing_identity is not None and existing_identity.deleted_at:
            identity = existing_identity  # re-provisioning someone the IdP deleted before
        else:
            raise ScimProblem(409, f"A user with userName {email} exists.", "uniqueness")
    _refuse_privileged(identity)
    active = True if resource.active is None else bool(resource.active)
    name = resource.name or Name()
    created = identity is None
    user = identity.user if identity is not None else Account(email=email)
    user.email = email
    user.first_name = (name.given_name or "")[:150]
    user.last_name = (name.family_name or "")[:150]
    user.is_active = active
    if resource.preferred_language in dict(settings.LANGUAGES):
        user.preferred_language = resource.preferred_language
    if created:
        user.set_unusable_password()
    user.save()
    if created:
        user.groups.add(RoleGroup.objects.get_or_create(name=roles.LEARNER)[0])
        identity = ScimIdentity.objects.create(user=user)
    enterprise = resource[EnterpriseUser]
    department = None
    if enterprise is not None and enterprise.department:
        department = Department.objects.get_or_create(name=enterprise.department.strip()[:120])[0]
    manager = _find_manager(enterprise.manager if enterprise is not None else None)
    if manager is not None and manager.pk == user.pk:
        raise ScimProblem(400, "Nobody can be their own manager.", "invalidValue")
    EmployeeProfile.objects.update_or_create(
        user=user,
        defaults={
            "job_title": (resource.title or "")[:120],
            "department": department,
            "manager": manager,
            "is_active": active,
        },
    )
    identity.external_id = (resource.external_id or "")[:200]
    identity.user_name = "" if user_name.lower() == email else user_name[:200]
    identity.attributes = _kept(resource)
    identity.deleted_at = None
    identity.save()
    action = "scim.user_created" if created else "scim.user_updated"
    audit.record(
        None,
        action,
        f"SCIM: {email} {'created' if created else 'updated'}"
        + ("" if active else " (deactivated)"),
        user_id=user.pk,
    )
    return identity, created


@transaction.atomic
def delete_user(identity: ScimIdentity) -> None:
    """The IdP deleted the user: deactivate the employee and hide them from SCIM; keep history."""
    _refuse_privileged(identity)
    user = identity.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    EmployeeProfile.objects.filter(user=user).update(is_active=False, updated_at=timezone.now())
    identity.deleted_at = timezone.now()
    identity.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        None,
        "scim.user_deleted",
        f"SCIM: {user.email} deactivated (deleted in IdP)",
        user_id=user.pk,
    )


def _users_matching(rows, lookup: str, value: str | None):
    """The identities a SCIM users filter (`userName eq`, `externalId eq`, `id eq`, e-mail)
    finds; a user name also matches the e-mail of identities that were given none."""
    if lookup == "scim_id":
        value = _uuid_or_none(value)
    if lookup == "user_name_or_email":
        return rows.filter(Q(user_name__iexact=value) | Q(user_name="", user__email__iexact=value))
    return rows.filter(**{lookup: value}) if value is not None else rows.none()


class UsersView(ScimView):
    def get(self, request):
        return self.search(request.query_params)

    def search(self, params):
        request = self.request
        _ensure_identities()
        rows = _users().order_by("pk")
        condition = _parse_filter(
            params.get("filter"),
            {
                "username": "user_name_or_email",
                "externalid": "external_id",
                "id": "scim_id",
                "emails.value": "user__email__iexact",
                "emails": "user__email__iexact",
            },
        )
        if condition:
            rows = _users_matching(rows, *condition)
        start, count = _page(params)
        total = rows.count()
        page = list(rows[start - 1 : start - 1 + count]) if count else []
        base = self.base_url()
        return Response(
            _list([_dump(_user_resource(i, base), request) for i in page], total, start)
        )

    def post(self, request):
        payload = _lenient_manager(_payload(request), self.base_url())
        resource = ScimUser.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        identity, _created = save_user(resource, None)
        body = _dump(_user_resource(_users().get(pk=identity.pk), self.base_url()), request)
        return Response(body, status=201, headers={"Location": body["meta"]["location"]})


class UserView(ScimView):
    def _identity(self, user_id: str) -> ScimIdentity:
        _ensure_identities()
        identity = (
            _users().filter(scim_id=_uuid_or_none(user_id)).first()
            if _uuid_or_none(user_id)
            else None
        )
        if identity is None:
            raise ScimProblem(404, f"No user {user_id}.")
        return identity

    def _respond(self, identity: ScimIdentity) -> Response:
        return Response(
            _dump(_user_resource(_users().get(pk=identity.pk), self.base_url()), self.request)
        )

    def get(self, request, user_id: str):
        return self._respond(self._identity(user_id))

    def post(self, request, user_id: str):
        """POST /Users/.search: the same query as GET, parameters in the body."""
        if user_id != ".search":
            raise exceptions.MethodNotAllowed("POST")
        return UsersView.search(self, _payload(request))

    def put(self, request, user_id: str):
        identity = self._identity(user_id)
        payload = _lenient_manager(_payload(request), self.base_url())
        resource = ScimUser.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        save_user(resource, identity)
        return self._respond(identity)

    def patch(self, request, user_id: str):
        identity = self._identity(user_id)
        base = self.base_url()
        operation = PatchOp[ScimUser].model_validate(
            _payload(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = _user_resource(identity, base)
        try:
            operation.patch(resource)
        except (ValueError, TypeError, KeyError) as error:
            raise ScimProblem(400, str(error)[:300], "invalidValue") from error
        save_user(resource, identity)
        return self._respond(identity)

    def delete(self, request, user_id: str):
        delete_user(self._identity(user_id))
        return Response(status=204)


# Groups (= departments) ---------------------------------------------------------------------


def _groups():
    missing = Department.objects.filter(scim_group__isnull=True).values_list("pk", flat=True)
    ScimGroup.objects.bulk_create(
        [ScimGroup(department_id=pk) for pk in missing], ignore_conflicts=True
    )
    return ScimGroup.objects.select_related("department")


def _group_resource(group: ScimGroup, base: str, members: list | None = None) -> Group:
    if members is None:
        members = list(
            ScimIdentity.objects.filter(
                user__employee__department=group.department, deleted_at__isnull=True
            ).select_related("user")
        )
    resource = Group.model_validate(group.attributes) if group.attributes else Group()
    resource.id = str(group.scim_id)
    resource.external_id = group.external_id or None
    resource.display_name = group.department.name
    sent_display = {m.value: m.display for m in resource.members or [] if m.display}
    resource.members = [
        GroupMember(
            value=str(m.scim_id),
            ref=f"{base}/Users/{m.scim_id}",
            display=sent_display.get(str(m.scim_id), m.user.display_name),
            type="User",
        )
        for m in members
    ] or None
    resource.meta = Meta(
        resource_type="Group",
        created=group.created_at,
        last_modified=max(group.updated_at, group.department.updated_at),
        location=f"{base}/Groups/{group.scim_id}",
    )
    return resource


@transaction.atomic
def save_group(resource: Group, group: ScimGroup | None) -> ScimGroup:
    """Create or replace a department from a SCIM group, members included."""
    name = (resource.display_name or "").strip()[:120]
    if not name:
        raise ScimProblem(400, "displayName is required.", "invalidValue")
    clash = Department.objects.filter(name=name)
    if group is not None:
        clash = clash.exclude(pk=group.department_id)
    if clash.exists():
        raise ScimProblem(409, f"A department named {name} exists.", "uniqueness")
    if group is None:
        department = Department.objects.create(name=name)
        group = ScimGroup.objects.create(department=department)
    else:
        department = group.department
        department.name = name
        department.save()
    group.external_id = (resource.external_id or "")[:200]
    group.attributes = _kept(resource)
    group.save()
    wanted = [_uuid_or_none(m.value) for m in (resource.members or []) if m.value]
    if None in wanted:
        raise ScimProblem(400, "Group members must be user ids.", "invalidValue")
    _ensure_identities()
    member_users = set(
        ScimIdentity.objects.filter(scim_id__in=wanted, deleted_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    if len(member_users) != len(set(wanted)):
        raise ScimProblem(400, "Some group members are not known users.", "invalidValue")
    _refuse_moving_privileged(department, member_users)
    now = timezone.now()
    EmployeeProfile.objects.filter(department=department).exclude(user_id__in=member_users).update(
        department=None, updated_at=now
    )
    for user_id in member_users:
        EmployeeProfile.objects.update_or_create(
            user_id=user_id, defaults={"department": department}
        )
    audit.record(None, "scim.group_saved", f"SCIM: department {name} ({len(member_users)} members)")
    return group


class GroupsView(ScimView):
    def get(self, request):
        return self.search(request.query_params)

    def search(self, params):
        request = self.request
        rows = _groups().order_by("pk")
        condition = _parse_filter(
            params.get("filter"),
            {
                "displayname": "department__name__iexact",
                "externalid": "external_id",
                "id": "scim_id",
            },
        )
        if condition:
            lookup, value = condition
            if lookup == "scim_id":
                value = _uuid_or_none(value)
            rows = rows.filter(**{lookup: value}) if value is not None else rows.none()
        start, count = _page(params)
        total = rows.count()
        page = list(rows[start - 1 : start - 1 + count]) if count else []
        base = self.base_url()
        return Response(
            _list([_dump(_group_resource(g, base), request) for g in page], total, start)
        )

    def post(self, request):
        resource = Group.model_validate(
            _payload(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        group = save_group(resource, None)
        body = _dump(_group_resource(group, self.base_url()), request)
        return Response(body, status=201, headers={"Location": body["meta"]["location"]})


class GroupView(ScimView):
    def _group(self, group_id: str) -> ScimGroup:
        scim_id = _uuid_or_none(group_id)
        group = _groups().filter(scim_id=scim_id).first() if scim_id else None
        if group is None:
            raise ScimProblem(404, f"No group {group_id}.")
        return group

    def post(self, request, group_id: str):
        """POST /Groups/.search."""
        if group_id != ".search":
            raise exceptions.MethodNotAllowed("POST")
        return GroupsView.search(self, _payload(request))

    def get(self, request, group_id: str):
        return Response(_dump(_group_resource(self._group(group_id), self.base_url()), request))

    def put(self, request, group_id: str):
        group = self._group(group_id)
        resource = Group.model_validate(
            _payload(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        save_group(resource, group)
        return Response(_dump(_group_resource(self._group(group_id), self.base_url()), request))

    def patch(self, request, group_id: str):
        group = self._group(group_id)
        operation = PatchOp[Group].model_validate(
            _payload(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = _group_resource(group, self.base_url())
        try:
            operation.patch(resource)
        except (ValueError, TypeError, KeyError) as error:
            raise ScimProblem(400, str(error)[:300], "invalidValue") from error
        save_group(resource, group)
        return Response(_dump(_group_resource(self._group(group_id), self.base_url()), request))

    def delete(self, request, group_id: str):
        group = self._group(group_id)
        department = group.department
        _refuse_moving_privileged(department, set())
        if AssignmentRule.objects.filter(department=department).exists():
            raise ScimProblem(
                409,
                "Assignment rules target this department; change them in CX Academy first.",
                "mutability",
            )
        try:
            with transaction.atomic():
                department.delete()
        except (ProtectedError, IntegrityError):
            raise ScimProblem(
                409, "This department still has teams or sub-departments; it stays.", "mutability"
            ) from None
        audit.record(None, "scim.group_deleted", f"SCIM: department {department.name} deleted")
        return Response(status=204)


class UnknownView(ScimView):
    """Any other path under /scim/v2/: a SCIM 404, not an HTML page or a redirect."""

    def get(self, request, rest: str):
        if rest == ".search":
            raise ScimProblem(501, "Search across resource types is not supported.")
        raise ScimProblem(404, "There is no such SCIM endpoint.")

    post = put = patch = delete = get
