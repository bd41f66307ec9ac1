from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import FundraiserPage, FundraisingCampaignPage, TeamPage
from tests.site.factories import PageFactory, UserFactory


class FundraisingCampaignPageFactory(PageFactory):
    """A live campaign under the home page, taking gifts for 30 more days."""

    class Meta:
        model = FundraisingCampaignPage

    title = factory.Sequence(lambda n: f"Spring into Action {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    intro = "A month of transitional housing, food and clothing for survivors."
    goal_cents = 1_000_000
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class TeamPageFactory(PageFactory):
    """A live team under `parent` (a campaign: pass it), captained by a new supporter."""

    class Meta:
        model = TeamPage

    title = factory.Sequence(lambda n: f"Grace Church {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    captain = factory.SubFactory(UserFactory)
    goal_cents = 250_000
    _parent_required = True


class FundraiserPageFactory(PageFactory):
    """A live supporter's page with a $500 goal under `parent` (a campaign: pass it)."""

    class Meta:
        model = FundraiserPage

    title = factory.Sequence(lambda n: f"Maria's walk {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    supporter = factory.SubFactory(UserFactory)
    goal_cents = 50_000
    story = "I walk for survivors.\n\nPlease help me reach my goal."
    _parent_required = True


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


def paid_gift(page, amount_cents, **fields):
    """A gift of `amount_cents` to `page` paid through `Donation.mark_paid`, so it counts on
    the page, its team and its campaign as a real one does (pass donor fields to override)."""
    from donations.models import Donation
    from tests.donations.factories import DonationFactory

    donation = DonationFactory(page=page, amount_cents=amount_cents, **fields)
    Donation.objects.get(pk=donation.pk).mark_paid()
    donation.refresh_from_db()
    return donation


def many_fundraiser_pages(campaign, count, *, raised_cents=lambda n: 0, team=None):
    """`count` live fundraiser pages under `campaign` (of `team`, if given), fast: owners and
    pages are bulk inserted beside the page tree as treebeard lays it out (paths after the
    campaign's last child; no revisions, no search index: enough for reading pages, not
    for editing them). Page n (from 0) is given `raised_cents(n)` straight in
    `DonationTotal` on the page, its team and its campaign (no Donation rows). Returns the
    pages' ids in order."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.models import F
    from wagtail.models import Page

    from campaigns.models import fold_for_search
    from donations.models import DonationTotal
    from northstar.models import User

    start = User.objects.count()
    owners = User.objects.bulk_create(
        [
            User(
                email=f"many{start + n}@example.org",
                first_name=f"Owner{start + n}",
                last_name="Many",
                password="!",
            )
            for n in range(count)
        ]
    )
    last = campaign.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    depth = campaign.depth + 1
    now = timezone.now()
    kind = ContentType.objects.get_for_model(FundraiserPage)
    titles = [f"Walk {start + n}" for n in range(count)]
    bases = Page.objects.bulk_create(
        [
            Page(
                title=title,
                draft_title=title,
                slug=slugify(title),
                url_path=f"{campaign.url_path}{slugify(title)}/",
                path=Page._get_path(campaign.path, depth, step + 1 + n),
                depth=depth,
                numchild=0,
                content_type=kind,
                locale_id=campaign.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
            for n, title in enumerate(titles)
        ]
    )
    Page.objects.filter(pk=campaign.pk).update(numchild=F("numchild") + count)
    campaign.numchild += count
    opts = FundraiserPage._meta
    columns = ["page_ptr_id", "supporter_id", "goal_cents", "story", "team_id", "search_text"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(opts.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            [
                (
                    base.pk,
                    owner.pk,
                    50_000,
                    "I walk for survivors.",
                    team.pk if team else None,
                    fold_for_search(f"{base.title} {owner.first_name} {owner.last_name}"),
                )
                for base, owner in zip(bases, owners, strict=True)
            ],
        )
    levels = [campaign.pk] + ([team.pk] if team else [])
    for n, base in enumerate(bases):
        amount = raised_cents(n)
        if amount:
            DonationTotal.objects.add_many(
                [(base.pk,), *[(level,) for level in levels]], amount_cents=amount, donation_count=1
            )
    return [base.pk for base in bases]
