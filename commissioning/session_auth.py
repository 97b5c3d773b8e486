"""DRF session authentication that requires the second factor.

A module of its own, outside `commissioning.api`, so the REST_FRAMEWORK setting can name
it without importing the API views while DRF itself is loading.
"""

from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    """A signed-in session counts only once it has passed the second factor.

    django-otp's middleware gives the user `is_verified()`; a session that has
    given its password but not yet its code is treated as no session at all.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _ = result
        verified = getattr(user, "is_verified", None)
        return result if verified is not None and verified() else None
