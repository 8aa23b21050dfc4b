"""Forms of the accounts app."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from allauth.core import context

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PrivacySettings, User
from .permissions import grantable_roles
from .roles import ALL_ROLES


class AccountForm(forms.ModelForm):
    """The employee's own name and preferred language. A name HR keeps on record is shown but
    cannot be changed here (certificates are issued in it)."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]

    def __init__(self, *args, **kwargs) -> None:
        from .services import name_kept_by_hr

        super().__init__(*args, **kwargs)
        if name_kept_by_hr(self.instance):
            for name in ("first_name", "last_name"):
                self.fields[name].disabled = True  # the posted value is ignored
            self.fields["last_name"].help_text = _(
                "Your name comes from HR's records and appears on your certificates. Please "
                "ask HR if it needs correcting."
            )


class InvitationForm(forms.Form):
    """HR invites one person with their roles."""

    email = forms.EmailField(label=_("E-mail"))
    roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in ALL_ROLES],
        initial=["Learner"],
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles"),
    )

    def __init__(self, *args, inviter=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(inviter) if inviter is not None else ALL_ROLES
        self.fields["roles"].choices = [(r, r) for r in ALL_ROLES if r in allowed]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        # "!" starts the unusable password of an invited, not yet signed-up account
        if User.objects.filter(email=email).exclude(password__startswith="!").exists():  # noqa: S106
            raise forms.ValidationError(_("This person already has an account."))
        return email


class CompanySignupForm(SignupForm):
    """Sign-up only with the invited address or an address from an allowed company domain."""

    def clean_email(self):
        from . import services
        from .adapters import session_invitation

        email = super().clean_email()
        invitation = session_invitation(context.request)
        if invitation is not None:
            if invitation.email != email.lower():
                raise forms.ValidationError(
                    _("Please use the e-mail address your invitation was sent to.")
                )
        elif not services.email_domain_allowed(email):
            raise forms.ValidationError(_("Sign-up is only open to company e-mail addresses."))
        return email


POLICY_ROLES = (("manager", _("Managers")), ("champion", _("Champions")), ("hr", _("HR")))
POLICY_RIGHTS = ("quiz_results", "individual_progress", "individual_observations")
ROLE_FIELDS = tuple(f"{role}_{name}" for role, _label in POLICY_ROLES for name in POLICY_RIGHTS)
RETENTION_FIELDS = (
    "quiz_attempts_days",
    "reflections_days",
    "journey_maps_days",
    "observations_days",
    "audit_log_days",
    "view_log_days",
    "leavers_days",
)
MAX_RETENTION_DAYS = 3650


class PrivacySettingsForm(forms.ModelForm):
    """HR/admin set the visibility policy and the retention periods (0 days: keep)."""

    class Meta:
        model = PrivacySettings
        fields = [
            *ROLE_FIELDS,
            "min_group_size",
            "show_views_to_subject",
            *RETENTION_FIELDS,
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in RETENTION_FIELDS:
            self.fields[name].help_text = _("0 keeps them without a time limit.")

    def clean_min_group_size(self) -> int:
        value = self.cleaned_data["min_group_size"]
        if not 2 <= value <= 100:
            raise forms.ValidationError(_("Choose a group size between 2 and 100."))
        return value

    def clean(self):
        cleaned = super().clean()
        for name in RETENTION_FIELDS:
            value = cleaned.get(name)
            if value is not None and value > MAX_RETENTION_DAYS:
                self.add_error(
                    name, _("At most %(days)s days (ten years).") % {"days": MAX_RETENTION_DAYS}
                )
        return cleaned

    def role_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """One row per role (managers, champions, HR) with its three visibility choices."""
        return [
            (label, [self[f"{role}_{name}"] for name in POLICY_RIGHTS])
            for role, label in POLICY_ROLES
        ]

    def retention_fields(self) -> list[forms.BoundField]:
        """The retention periods, in the order the page lists them."""
        return [self[name] for name in RETENTION_FIELDS]

    def changes(self) -> dict:
        """{field: (old, new)} of what this form changes."""
        return {
            name: (self.initial.get(name), self.cleaned_data.get(name))
            for name in self.changed_data
        }
