"""Sign-in codes from an authenticator app's key (TOTP), worked out as django-otp checks them.

The arithmetic is django-otp's own (`django_otp.oath`, which needs no Django set up, so
the load benchmark's driver, a process without Django, uses it too). A device's clock
is its key, `step`, `t0`, `digits`, `drift` (time steps it runs ahead, which moves on by
one when a code is taken one step early), `tolerance` (steps either side it accepts)
and `last_t` (the last step it accepted: a code is good once).
"""

from django_otp.oath import TOTP


def code_at(key: bytes, *, step: int, t0: int, digits: int, drift: int, at: float) -> str:
    """The code the device shows at `at` (seconds since the epoch), with its leading zeros."""
    totp = TOTP(key, step, t0, digits, drift)
    totp.time = at
    return f"{totp.token():0{digits}d}"


def earliest_unused(
    key: bytes,
    *,
    step: int,
    t0: int,
    digits: int,
    drift: int,
    tolerance: int,
    last_t: int,
    now: float,
) -> tuple[str, int] | None:
    """The code for the earliest time step the device will still accept, and that step; None
    when none is accepted yet (every step it would take is used: wait for the clock).

    A second sign-in within one step takes the next step's code, which is accepted one step
    early; later than that, wait.
    """
    current = int((now - t0) // step) + drift
    wanted = max(current, last_t + 1)
    if wanted > current + tolerance:
        return None
    at = now + (wanted - current) * step
    return code_at(key, step=step, t0=t0, digits=digits, drift=drift, at=at), wanted
