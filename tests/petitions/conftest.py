import pytest

from tests.petitions.factories import PetitionPageFactory, TargetFactory


@pytest.fixture
def texas_ag(db):
    return TargetFactory(jurisdiction="TX", name="Ken Paxton")


@pytest.fixture
def petition(home_page, texas_ag):
    return PetitionPageFactory(title="State Attorneys General: Stop human traffickers")
