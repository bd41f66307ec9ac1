"""A supporter's fundraiser page: its progress, its campaign's, its donate form and donors."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import Donation, DonationTotal
from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory, donate_form
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fundraiser(campaign):
    owner = UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", supporter=owner
    )


def pay(page, amount_cents, **fields):
    """A gift to `page` paid through the same fulfilment as the test checkout."""
    donation = DonationFactory(page=page, amount_cents=amount_cents, **fields)
    fulfil_checkout_session(
        donation.checkout_session_id, f"pi_{donation.pk}", amount_cents, donation.currency
    )
    return donation


def test_the_page_shows_its_progress_and_the_campaigns_after_a_paid_gift(
    client, campaign, fundraiser
):
    pay(fundraiser, 32_000)
    pay(campaign, 589_000)

    html = client.get(fundraiser.url).content.decode()

    assert '$320</span> <span class="count__label">raised of $500' in html
    assert "Part of Spring into Action: $6,210 of $10,000" in html
    assert '<rect class="progress__bar" width="64%"' in html


def test_a_gift_to_a_fundraiser_page_counts_on_the_page_and_on_the_campaign(campaign, fundraiser):
    pay(fundraiser, 5_000)

    assert DonationTotal.objects.total(page=fundraiser.pk).amount_cents == 5_000
    assert DonationTotal.objects.total(page=campaign.pk).amount_cents == 5_000
    assert DonationTotal.objects.total(page=campaign.pk).donation_count == 1


def test_the_donate_form_posts_a_gift_attributed_to_the_fundraiser_page(
    client, settings, fundraiser
):
    settings.STRIPE_SECRET_KEY = ""

    response = client.post(reverse("donations:give", args=[fundraiser.pk]), donate_form())

    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.page_id, donation.amount_cents) == (fundraiser.pk, 5_000)


def test_the_page_shows_the_time_left_in_its_campaign(client, campaign, fundraiser):
    campaign.deadline = timezone.localdate() + timedelta(days=3)
    campaign.save()

    assert "3 days left" in client.get(fundraiser.url).content.decode()


def test_after_the_deadline_the_page_takes_no_gifts(client, campaign, fundraiser):
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    html = client.get(fundraiser.url).content.decode()

    assert not fundraiser.accepts_donations
    assert "Gifts are no longer being taken for this campaign." in html
    assert "Continue to payment" not in html


def test_recent_donors_show_only_those_who_chose_to_with_their_message(client, fundraiser):
    pay(
        fundraiser,
        5_000,
        first_name="Amal",
        last_name="Haddad",
        name_shown=Donation.NameShown.PUBLIC,
        message="For a safe spring",
    )
    pay(
        fundraiser,
        7_500,
        first_name="Hidden",
        last_name="Giver",
        name_shown=Donation.NameShown.ANONYMOUS,
    )

    html = client.get(fundraiser.url).content.decode()

    assert "<bdi>Amal H.</bdi>" in html
    assert "<q><bdi>For a safe spring</bdi></q>" in html
    assert "Hidden" not in html


def test_a_donors_amount_is_shown_only_when_they_chose_to_show_it(client, fundraiser):
    pay(
        fundraiser,
        7_500,
        first_name="Amal",
        name_shown=Donation.NameShown.PUBLIC,
        show_amount_publicly=True,
    )
    pay(fundraiser, 2_000, first_name="Ruth", name_shown=Donation.NameShown.PUBLIC)

    html = client.get(fundraiser.url).content.decode()

    assert html.count('class="donor-amount"') == 1
    assert '<span class="donor-amount">$75</span>' in html


def test_the_donate_form_keeps_the_donors_choice_to_show_the_amount(client, settings, fundraiser):
    settings.STRIPE_SECRET_KEY = ""
    give = reverse("donations:give", args=[fundraiser.pk])

    client.post(give, donate_form(email="shown@example.org", show_amount_publicly="on"))
    client.post(give, donate_form(email="kept@example.org"))

    chosen = dict(Donation.objects.values_list("email", "show_amount_publicly"))
    assert chosen == {"shown@example.org": True, "kept@example.org": False}


def test_the_owners_email_never_appears_on_the_page(client, fundraiser):
    assert "maria.lopez@example.org" not in client.get(fundraiser.url).content.decode()


def test_the_story_is_shown_as_plain_paragraphs(client, fundraiser):
    fundraiser.story = "I walk for survivors.\n\n<script>alert(1)</script>"
    fundraiser.save()

    html = client.get(fundraiser.url).content.decode()

    assert "<p>I walk for survivors.</p>" in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html


def test_the_page_offers_plain_share_links_to_itself(client, fundraiser):
    html = client.get(fundraiser.url).content.decode()

    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F" in html
    assert "marias-walk" in html.split("facebook.com/sharer")[1][:200]


def test_the_share_links_carry_the_public_site_address_not_the_wagtail_sites(
    client, fundraiser, settings
):
    settings.SITE_URL = "https://give.example.org"

    html = client.get(fundraiser.url).content.decode()

    url = f"https://give.example.org{fundraiser.get_url_parts()[2]}"
    assert url.endswith("/marias-walk/")
    assert "sharer.php?u=" + quote(url, safe="") in html
    assert "localhost" not in html.split("facebook.com/sharer")[1][:200]


def test_the_page_names_its_owner_by_first_name_and_last_initial(client, fundraiser):
    html = client.get(fundraiser.url).content.decode()

    assert "<bdi>Maria L.</bdi> is raising money for Spring into Action" in html
    assert "Lopez" not in html


def test_the_donate_form_offers_the_campaigns_suggested_amounts(client, campaign, fundraiser):
    campaign.suggested_amounts = [2_000, 4_000, 7_500]
    campaign.save()

    html = client.get(fundraiser.url).content.decode()

    assert 'value="40" id="id_amount_1" checked' in html
    assert ">$75</label>" in html
    assert ">$250</label>" not in html


def test_a_suggested_amount_given_is_the_amount_charged(client, settings, campaign, fundraiser):
    settings.STRIPE_SECRET_KEY = ""
    campaign.suggested_amounts = [2_000, 4_000, 7_500]
    campaign.save()

    client.post(reverse("donations:give", args=[fundraiser.pk]), donate_form(amount="75"))

    assert Donation.objects.get().amount_cents == 7_500


def test_a_gift_to_a_team_members_page_counts_on_the_team_and_its_page_shows_it(
    client, campaign, fundraiser
):
    team = TeamPageFactory(parent=campaign, title="Grace Church", goal_cents=200_000)
    fundraiser.team = team
    fundraiser.save()

    pay(fundraiser, 5_000)

    assert DonationTotal.objects.total(page=team.pk).amount_cents == 5_000
    html = client.get(team.url).content.decode()
    assert "$50 raised of $2,000" in html
    assert "Maria&#x27;s walk" in html


def test_staff_previewing_a_page_waiting_for_approval_are_told_it_is_not_live_yet(client, campaign):
    """Not "gifts are no longer being taken", which a campaign weeks from its end is not."""
    from tests.site.factories import StaffUserFactory

    waiting = FundraiserPageFactory(parent=campaign, title="Sam's swim", slug="sams-swim")
    waiting.live, waiting.first_published_at = False, None
    waiting.save()
    client.force_login(StaffUserFactory(is_superuser=True))

    html = client.get(f"/admin/pages/{waiting.pk}/view_draft/").content.decode()

    assert "This page is not live yet: gifts open once it is approved." in html
    assert "no longer being taken" not in html
