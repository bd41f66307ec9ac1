from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import FundraiserPage, FundraisingCampaignPage, TeamPage
from northstar.models import HomePage
from tests.site.factories import UserFactory


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


class TeamPageFactory(factory.Factory):
    """A live team under `parent` (a campaign: pass it), captained by a new supporter."""

    class Meta:
        model = TeamPage

    title = factory.Sequence(lambda n: f"Grace Church {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    captain = factory.SubFactory(UserFactory)
    goal_cents = 250_000

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


class FundraiserPageFactory(factory.Factory):
    """A live supporter's page with a $500 goal under `parent` (a campaign: pass it)."""

    class Meta:
        model = FundraiserPage

    title = factory.Sequence(lambda n: f"Maria's walk {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    supporter = factory.SubFactory(UserFactory)
    goal_cents = 50_000
    story = "I walk for survivors.\n\nPlease help me reach my goal."

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


def peer_to_peer_admin_fields(**overrides):
    """The campaign edit form's peer-to-peer tab as the admin posts it, all left as created
    (for `wagtail.test.utils.form_data.nested_form_data`)."""
    from wagtail.test.utils.form_data import streamfield

    fields = {
        "start_date": "",
        "steps": streamfield([]),
        "suggested_amounts": "",
        "default_fundraiser_goal_cents": "500",
        "default_fundraiser_story": "",
        "approval_workflow": "",
        "teams_allowed": "on",
    }
    fields.update(overrides)
    return fields


class ApprovalWorkflowFactory(factory.django.DjangoModelFactory):
    """An active Wagtail workflow of one group approval task ("Staff review"), for a
    campaign's `approval_workflow`."""

    class Meta:
        model = "wagtailcore.Workflow"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Approve fundraiser pages {n}")

    @factory.post_generation
    def task(workflow, create, extracted, **kwargs):
        from wagtail.models import GroupApprovalTask, WorkflowTask

        if create:
            task = extracted or GroupApprovalTask.objects.create(name=f"Staff review {workflow.pk}")
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A friend invited from `page` (pass it: a fundraiser page), their email sent just now
    (no email is queued: use `campaigns.invitations.invite` for that)."""

    class Meta:
        model = "campaigns.Invitation"

    name = factory.Sequence(lambda n: f"Friend {n}")
    email = factory.Sequence(lambda n: f"friend{n}@example.net")
    sent_at = factory.LazyFunction(timezone.now)
