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


class PageFactory(factory.Factory):
    """Base of the Wagtail page factories: `create()` adds the page as the last child of
    `parent=` (the site's home page, which must exist, when none is given) and publishes it
    live, as the page tree wants (a page is never saved on its own). A subclass that must
    sit under a particular page sets `_parent_required = True` (underscored, so factory_boy
    passes it to no model): without `parent=` it raises TypeError rather than land under
    the home page."""

    _parent_required = False

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            if cls._parent_required:
                raise TypeError(f"{cls.__name__} needs parent= (the page to add it under)")
            from northstar.models import HomePage

            parent = HomePage.objects.get()
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page
