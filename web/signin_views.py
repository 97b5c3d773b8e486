"""The second step of signing in: enrol an authenticator app, or give its current code.

After the password, `SecondFactorRequiredMiddleware` sends the user here. A user
without a confirmed device sees a QR code and the key as text, and confirms with
a code; later sign-ins ask only for the code.
"""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from web import signin


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="Six digits; a new code appears every 30 seconds.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else settings.LOGIN_REDIRECT_URL


def _qr_svg(device) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    # qrcode writes the SVG from the device's own URL: no user input reaches it.
    return mark_safe(image.to_string(encoding="unicode"))


def _guesses_notice(guesses) -> str:
    count = len(guesses)
    addresses = sorted({g.remote_addr or "an unknown address" for g in guesses})
    first, last = (localtime(guesses[-1].at), localtime(guesses[0].at))
    return (
        f"Since you last signed in, {count} wrong code{pluralize(count)} "
        f"{'was' if count == 1 else 'were'} entered for your account after your password, "
        f"from {', '.join(addresses)}, between {first:%d/%m/%Y %H:%M} and {last:%d/%m/%Y %H:%M}. "
        "If that was not you, someone knows your password: ask an administrator to set "
        "a new one, and tell clinical governance, who can see these attempts."
    )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = signin.confirmed_totp_device(request.user)
    enrolling = device is None
    if device is None:
        device = signin.totp_device_for_enrolment(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = signin.second_factor_attempt(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if problem is None:
            guesses = signin.second_factor_guesses(request=request, user=request.user)
            if guesses:
                messages.warning(request, _guesses_notice(guesses))
            return redirect(_next_url(request))
        form.add_error("code", problem)
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        secret = signin.totp_secret(device)
        context["qr_svg"] = _qr_svg(device)
        context["secret"] = secret
        context["secret_grouped"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "registration/second_factor.html", context)
