"""The dashboard tells an owner how many gifts their page had and from how many people: a
donor who showed their name and gave twice is one donor, told apart by email address as the
project stores it; each anonymous gift is a donor of its own, so the count never links an
anonymous gift to another gift."""

import pytest
from django.urls import reverse

from campaigns.dashboard import donors_by_page, supporter_dashboard
from donations.models import Donation
from tests.campaigns.factories import FundraiserPageFactory, paid_gift
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(campaign, maria):
    """Maria's page (Maria, the page owner, is the kit's: tests/support/kit.py)."""
    return FundraiserPageFactory(parent=campaign, supporter=maria, title="Maria's walk")


def named_gift(page, amount_cents, email):
    """A paid gift whose donor chose to show their name."""
    return paid_gift(page, amount_cents, email=email, name_shown=Donation.NameShown.PUBLIC)


def facts(client, owner):
    """The page's gifts-and-donors line on the owner's dashboard."""
    client.force_login(owner)
    html = client.get(reverse("dashboard:home")).content.decode()
    return html.split('<span class="dashboard-gifts">', 1)[1].split("</span>", 1)[0]


def test_two_gifts_from_one_address_and_one_from_another_are_three_gifts_from_two_donors(
    client, page, maria
):
    named_gift(page, 2500, email="ana@example.org")
    named_gift(page, 5000, email="ana@example.org")
    named_gift(page, 1000, email="ben@example.org")

    [summary] = supporter_dashboard(maria)["pages"]

    assert summary.progress["donation_count"] == 3
    assert summary.donor_count == 2
    assert facts(client, maria) == "<strong>3</strong> gifts from <strong>2</strong> donors"


def test_one_address_typed_in_other_case_or_with_spaces_is_one_donor(page):
    named_gift(page, 2500, email="Ana@Example.org")
    named_gift(page, 2500, email=" ana@example.org ")

    assert donors_by_page([page.pk]) == {page.pk: 1}


def test_gifts_not_paid_have_no_donor(page):
    named_gift(page, 2500, email="ana@example.org")
    DonationFactory(page=page, email="pending@example.org")
    DonationFactory(page=page, email="failed@example.org", status=Donation.Status.FAILED)

    assert donors_by_page([page.pk]) == {page.pk: 1}


def test_a_donor_to_two_of_my_pages_is_a_donor_of_each(campaign, maria, page):
    other = FundraiserPageFactory(parent=campaign, supporter=maria, title="Maria's swim")
    named_gift(page, 2500, email="ana@example.org")
    named_gift(other, 2500, email="ana@example.org")
    named_gift(other, 2500, email="ben@example.org")

    assert donors_by_page([page.pk, other.pk]) == {page.pk: 1, other.pk: 2}


def test_one_gift_reads_one_gift_from_one_donor(client, page, maria):
    named_gift(page, 2500, email="ana@example.org")

    assert facts(client, maria) == "<strong>1</strong> gift from <strong>1</strong> donor"


def test_a_page_without_gifts_reads_no_gifts_and_names_no_donors(client, page, maria):
    assert facts(client, maria) == "<strong>0</strong> gifts"


def test_a_gift_keeps_its_address_as_every_address_is_kept(page):
    gift = DonationFactory(page=page, email="  Zoe\u0308@Example.ORG ")

    gift.refresh_from_db()
    assert gift.email == "zo\u00eb@example.org"


def test_two_anonymous_gifts_from_one_address_are_two_donors(client, page, maria):
    paid_gift(page, 2500, email="ana@example.org", name_shown=Donation.NameShown.ANONYMOUS)
    paid_gift(page, 5000, email="ana@example.org", name_shown=Donation.NameShown.ANONYMOUS)

    assert donors_by_page([page.pk]) == {page.pk: 2}
    assert facts(client, maria) == "<strong>2</strong> gifts from <strong>2</strong> donors"


def test_an_anonymous_gift_is_not_linked_to_a_named_gift_from_the_same_address(page):
    named_gift(page, 2500, email="ana@example.org")
    paid_gift(page, 5000, email="ana@example.org", name_shown=Donation.NameShown.ANONYMOUS)

    assert donors_by_page([page.pk]) == {page.pk: 2}
