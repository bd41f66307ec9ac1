import factory

from northstar.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"supporter{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@northstar.test")
    is_staff = True
    is_superuser = True
