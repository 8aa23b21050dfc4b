"""Test factories for users with roles."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from django.contrib.auth.models import Group

from .models import User


class UserFactory(factory.django.DjangoModelFactory):
    """An employee with a verified e-mail address; pass `roles=[...]` to put them in groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@cx-academy.example")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-42")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
