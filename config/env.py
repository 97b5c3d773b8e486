"""Typed readers for settings that come from the environment.

Each helper fails loudly, naming the variable, when a value cannot be read,
so a mistyped setting stops the process instead of silently falling back.
"""

import os


class ConfigurationError(RuntimeError):
    """A required setting is missing or has a value that cannot be used."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} must be set: {why}")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number, `default` when unset or blank; refused outside `minimum`..`maximum`."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    too_small = number is not None and minimum is not None and number < minimum
    too_large = number is not None and maximum is not None and number > maximum
    if number is None or too_small or too_large:
        raise ConfigurationError(
            f"{name} must be a whole number{_range(minimum, maximum)}, not {value!r}"
        )
    return number


def _range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as "120/minute": a whole number, a slash and a period."""
    value = (os.environ.get(name) or "").strip() or default
    count, _, period = value.partition("/")
    if not (count.isdigit() and int(count) > 0 and period in _RATE_PERIODS):
        raise ConfigurationError(
            f"{name} must be a number of requests per second, minute, hour or day, "
            f"e.g. 120/minute, not {value!r}"
        )
    return value
