"""The security suite's world (tests/security/conftest.py), with partners added to it by
tests/partners/world.py: `partners` the partner world, `pat` Northshire Police's user
signed in."""

import pytest

from tests.partners.world import partner_world
from tests.security.conftest import unthrottled_api, world

__all__ = ["unthrottled_api", "world"]


@pytest.fixture
def partners(world):
    return partner_world(world)


@pytest.fixture
def pat(partners, client_as):
    return client_as(partners.pat)
