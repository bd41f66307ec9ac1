from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import FundraisingCampaignPage
from northstar.models import HomePage


class FundraisingCampaignPageFactory(factory.Factory):
    """A live campaign under the home page, taking gifts for 30 more days."""

    class Meta:
        model = FundraisingCampaignPage

    title = factory.Sequence(lambda n: f"Spring into Action {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    intro = "A month of transitional housing, food and clothing for survivors."
    goal_cents = 1_000_000
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or HomePage.objects.get()).add_child(instance=page)
        return page
