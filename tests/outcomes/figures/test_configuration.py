"""The reliable-change thresholds are read from the environment, loudly when mistyped."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def thresholds_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_RELIABLE_CHANGE_")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from outcomes.figures.reviews import reliable_change_days; "
            "print(sorted(reliable_change_days().items()))",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_hold_until_an_item_is_set_in_the_environment():
    defaults = thresholds_with()
    crack = thresholds_with(LANTERN_RELIABLE_CHANGE_CRAUSE="7")

    assert defaults.stdout.strip() == "[('COCAUSE', 9), ('CRAUSE', 9), ('OPIUSE', 9)]"
    assert crack.stdout.strip() == "[('COCAUSE', 9), ('CRAUSE', 7), ('OPIUSE', 9)]"


def test_a_mistyped_threshold_stops_the_process_naming_the_variable():
    done = thresholds_with(LANTERN_RELIABLE_CHANGE_OPIUSE="nine")

    assert done.returncode != 0
    assert "LANTERN_RELIABLE_CHANGE_OPIUSE must be a whole number" in done.stderr


def test_a_blank_threshold_keeps_its_default():
    blank = thresholds_with(LANTERN_RELIABLE_CHANGE_OPIUSE="   ")

    assert blank.returncode == 0, blank.stderr
    assert blank.stdout.strip() == "[('COCAUSE', 9), ('CRAUSE', 9), ('OPIUSE', 9)]"
