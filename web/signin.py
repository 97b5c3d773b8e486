"""Sign-in rules that apply to every request: session time limits and the second factor.

- `VerifiedDeviceMiddleware` (in place of django-otp's `OTPMiddleware`) sets
  `request.user.is_verified()`, reading the session's authenticator app from the
  database at most once a minute rather than on every request.
- `SessionTimeoutMiddleware` signs a user out after `LANTERN_SESSION_IDLE_MINUTES`
  without a request, and `LANTERN_SESSION_MAX_HOURS` after they signed in,
  however busy the session has been.
- `SecondFactorRequiredMiddleware` sends a signed-in user whose session has not
  passed the second factor (django-otp's `request.user.is_verified()`) to
  `second_factor` before any page, the Django admin and the API's pages included.
  A request with an Authorization header is left to the API: a bearer token needs
  no second factor, and the API's session authentication
  (`commissioning.session_auth.VerifiedSessionAuthentication`) ignores an unverified session.
- `totp_device_for_enrolment` and `totp_device_confirm`: the one authenticator
  app (a django-otp `TOTPDevice`) each user enrols on first sign-in. Every code
  given is recorded (`cases.SecondFactorAttempt`); `second_factor_refusal` throttles
  wrong codes by session and by address from those rows, and `second_factor_guesses`
  finds the wrong codes someone else gave for a user, to tell them at sign-in.

The rules are in docs/security.md.
"""

import base64
import datetime
import functools
import hashlib
import math
from collections.abc import Callable

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import client_address
from cases.models import Role, SecondFactorAttempt
from core import totp
from partners.selectors import partner_access_of

SIGNED_IN_AT = "lantern_signed_in_at"
LAST_SEEN_AT = "lantern_last_seen_at"
# Saving the session on every request would cost a write each time; a minute's
# slack in the idle limit costs nothing.
LAST_SEEN_GRANULARITY_S = 60
# When the session's authenticator app was last read from the database; it is read
# again once LAST_SEEN_GRANULARITY_S have passed, in the request that saves LAST_SEEN_AT.
DEVICE_CHECKED_AT = "lantern_otp_device_checked_at"


def is_api_request(request: HttpRequest) -> bool:
    """Whether `request` is for the REST API, which answers in JSON and judges its own
    credentials (also read by `config.middleware`)."""
    return request.path_info.startswith(reverse("api_root"))


DEVICE_NAME = "Authenticator app"


@receiver(user_logged_in, dispatch_uid="lantern_session_signed_in_at")
def start_session_clock(sender, request, user, **kwargs):
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def session_expiry_reason(session, now: float) -> str | None:
    """Why a signed-in session has run out at `now` (seconds since the epoch), or None."""
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        return "Your session has ended. Sign in again."
    if now - signed_in > settings.LANTERN_SESSION_MAX_HOURS * 3600:
        hours = settings.LANTERN_SESSION_MAX_HOURS
        return f"You were signed out {hours} hours after signing in. Sign in again to carry on."
    if now - session.get(LAST_SEEN_AT, signed_in) > settings.LANTERN_SESSION_IDLE_MINUTES * 60:
        minutes = settings.LANTERN_SESSION_IDLE_MINUTES
        return f"You were signed out after {minutes} minutes without activity. Sign in again."
    return None


class SessionTimeoutMiddleware:
    """End a session that has been idle too long or has lived too long (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = timezone.now().timestamp()
            reason = session_expiry_reason(request.session, now)
            if reason is not None:
                logout(request)
                if not is_api_request(request):
                    messages.info(request, reason)
                    return redirect_to_login(request.get_full_path())
            elif now - request.session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_GRANULARITY_S:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware, without a database query for the device on every request.

    django-otp reads the session's device on each request to check it still exists,
    is confirmed and belongs to the user. Here that check is made when the session
    passes the second factor and then at most once a minute, in the same request
    as the idle clock's save (`SessionTimeoutMiddleware`), so it adds no session
    write; in between, `user.otp_device` is the device, read only if used. So removing
    someone's authenticator app in the admin unverifies their sessions within a
    minute rather than at once; deactivating them still ends their sessions at once.
    The session is kept on the server, so a client cannot set the time of the check.
    """

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if not (user.is_authenticated and persistent_id):
            return super()._verify_user_sync(request, user)
        now = timezone.now().timestamp()
        checked_at = request.session.get(DEVICE_CHECKED_AT)
        if checked_at is not None and 0 <= now - checked_at < LAST_SEEN_GRANULARITY_S:
            lookup = functools.partial(self._device_from_persistent_id, persistent_id)
            user.otp_device = SimpleLazyObject(lookup)
            return user
        device = self._device_from_persistent_id(persistent_id)
        user.otp_device = self._finalize_device(request, user, device)
        if user.otp_device is None:
            request.session.pop(DEVICE_CHECKED_AT, None)
        else:
            request.session[DEVICE_CHECKED_AT] = now
        return user


class SecondFactorRequiredMiddleware:
    """Before any page, a signed-in user passes the second factor (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.role == Role.PARTNER:
            refused = partner_refusal(request)
            if refused is not None:
                return refused
        if user.is_authenticated and not user.is_verified() and not self._exempt(request):
            return redirect_to_login(request.get_full_path(), reverse("second_factor"))
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # An API call carrying its own credentials (the API's bearer token) is the API's to
        # judge. Only the API's: on a page or the admin the header proves nothing.
        if "authorization" in request.headers and is_api_request(request):
            return True
        open_paths = {reverse("second_factor"), reverse("logout"), reverse("login")}
        return request.path_info in open_paths


PARTNER_ACCESS_ENDED = (
    "Your access to Lantern as a partner has ended or has not started yet. Ask the service "
    "that gave it to you to renew it."
)


def partner_refusal(request: HttpRequest) -> HttpResponse | None:
    """What a partner gets instead of the page they asked for, or None to let them through.

    A partner whose access is not in force today is signed out and sent to the sign-in
    page (so they cannot sign in); one in force reaches only the partner pages and the
    sign-in and second-factor pages, and finds every other address not found (404),
    whether it exists or not. Their home is their partner page.
    """
    from web.partner_urls import PARTNER_PAGES

    if partner_access_of(request.user, on=timezone.localdate()) is None:
        logout(request)
        messages.error(request, PARTNER_ACCESS_ENDED)
        return redirect_to_login(reverse("home"))
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return None
    if name in PARTNER_PAGES or name in {"login", "logout", "second_factor", "favicon"}:
        return None
    if name == "home":
        # Signing in lands on home: before the second factor, let the second factor take
        # them there first, as it does staff; after it, home is their partner page.
        return redirect("partner_home") if request.user.is_verified() else None
    raise Http404("No such page")


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The device `user` has started to enrol and not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


@transaction.atomic
def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed device `user` is enrolling, made on first call and kept until confirmed.

    Keeping it means a reload shows the same key the person may already have scanned.
    """
    device = pending_totp_device(user)
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it when typed in: base32, no padding."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_code(device: TOTPDevice, *, at: float) -> str:
    """The code `device` shows at `at` (seconds since the epoch), as a six-digit string."""
    return totp.code_at(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift,
        at=at,
    )


# Wrong codes are counted over this window, per session and per (user, address), back to
# the last right code there; the n-th wrong code in a row makes that session or address
# wait 2^(n-1) seconds, up to an hour. The user's other sessions and addresses are
# untouched, so a password guessed elsewhere cannot keep its owner out.
SECOND_FACTOR_WINDOW = datetime.timedelta(hours=1)
SECOND_FACTOR_MAX_WAIT_S = 3600
# Enough rows for the longest wait: 2^12 seconds passes the hour.
_WRONG_CODES_COUNTED = 13


def session_digest(session) -> str:
    """A digest of the session's key: tells sessions apart in the record without being one."""
    if session.session_key is None:
        session.save()
    return hashlib.sha256(session.session_key.encode()).hexdigest()


def _wait_after(attempts, now: datetime.datetime) -> float:
    """Seconds still to wait, given one session's or address's attempts, newest first."""
    wrong = []
    for attempt in attempts:
        if attempt.accepted:
            break
        wrong.append(attempt.at)
    if not wrong:
        return 0.0
    delay = min(2 ** (len(wrong) - 1), SECOND_FACTOR_MAX_WAIT_S)
    return (wrong[0] + datetime.timedelta(seconds=delay) - now).total_seconds()


def _waiting(seconds: float) -> str:
    if seconds > 90:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    whole = max(1, round(seconds))
    return "a second" if whole == 1 else f"{whole} seconds"


def second_factor_refusal(*, request: HttpRequest, user) -> str | None:
    """Why this session will not be allowed a code for `user` now, or None.

    Too many wrong codes in a row from this session, or from this address for this user,
    make it wait (see SECOND_FACTOR_WINDOW); the user's other sessions are not held up.
    """
    now = timezone.now()
    recent = SecondFactorAttempt.objects.filter(
        user=user, at__gt=now - SECOND_FACTOR_WINDOW
    ).order_by("-at", "-id")
    waits = [
        _wait_after(
            recent.filter(session_digest=session_digest(request.session))[:_WRONG_CODES_COUNTED],
            now,
        )
    ]
    address = client_address(request)
    if address is not None:
        waits.append(_wait_after(recent.filter(remote_addr=address)[:_WRONG_CODES_COUNTED], now))
    wait = max(waits)
    if wait <= 0:
        return None
    return f"Too many wrong codes. Wait {_waiting(wait)}, then try the newest code."


def second_factor_guesses(*, request: HttpRequest, user) -> list[SecondFactorAttempt]:
    """The wrong codes given for `user` from other sessions since their last right code
    before this one: someone who knows their password may be guessing their code."""
    digest = session_digest(request.session)
    previous_right = (
        SecondFactorAttempt.objects.filter(user=user, accepted=True)
        .exclude(session_digest=digest)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    wrong = SecondFactorAttempt.objects.filter(user=user, accepted=False).exclude(
        session_digest=digest
    )
    if previous_right is not None:
        wrong = wrong.filter(at__gt=previous_right)
    return list(wrong.order_by("-at", "-id"))


WRONG_CODE = (
    "That code is not right or has already been used. "
    "Check the clock on your phone and enter the newest code."
)


@transaction.atomic
def second_factor_attempt(*, request: HttpRequest, device: TOTPDevice, code: str) -> str | None:
    """Take `code` for `device` on this session, unless it must wait: None when the code is
    accepted (and the session verified), otherwise what to tell the person at the field.

    The user's row is locked first, so codes sent in parallel are counted one after another
    and a burst from one session cannot slip past its wait.
    """
    list(type(device.user).objects.select_for_update().filter(pk=device.user_id).values("pk"))
    refusal = second_factor_refusal(request=request, user=device.user)
    if refusal:
        return refusal
    if totp_device_confirm(request=request, device=device, code=code):
        return None
    return WRONG_CODE


def _second_factor_attempt_record(*, request: HttpRequest, user, accepted: bool) -> None:
    SecondFactorAttempt.objects.create(
        user=user,
        username=user.get_username(),
        accepted=accepted,
        remote_addr=client_address(request),
        session_digest=session_digest(request.session),
    )


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check `code` against `device`; if right, confirm the device and verify the session.

    A code is accepted once: django-otp refuses a code from a time step already used.
    Every code given is recorded, right or wrong, with its session and address.
    """
    accepted = device.verify_token(code)
    _second_factor_attempt_record(request=request, user=device.user, accepted=accepted)
    if not accepted:
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    second_factor_clocks_start(request.session)
    return True


def second_factor_clocks_start(session) -> None:
    """Note in `session`, which has just passed the second factor, that its device has just
    been read and its user seen: both clocks start together, so the idle clock's save and
    the device's next check (`VerifiedDeviceMiddleware`) fall in the same request."""
    now = timezone.now().timestamp()
    session[DEVICE_CHECKED_AT] = now
    session[LAST_SEEN_AT] = now


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a sign-in attempt gave, as django-axes records it against lockouts
    (`AXES_USERNAME_CALLABLE`): cut to the longest an account's can be, so that an
    over-long one is refused like any wrong name rather than breaking the attempt's record."""
    source = credentials if credentials is not None else request.POST
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return None
    longest = get_user_model()._meta.get_field("username").max_length
    return username[:longest]
