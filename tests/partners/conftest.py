"""The security suite's world (tests/security/conftest.py), with partners added to it by
tests/partners/world.py."""

from tests.security.conftest import unthrottled_api, world

__all__ = ["unthrottled_api", "world"]
