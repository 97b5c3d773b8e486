"""A tier is shown the same way everywhere: its name, an icon and a colour, declared once."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from risk import engine, wording
from risk.models import Tier
from risk.templatetags.risk_tags import tier_badge_html
from risk.wording import TIER_LOOKS, tier_legend

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("tier", engine.TIERS)
def test_a_tier_badge_carries_words_and_an_icon_as_well_as_colour(tier):
    html = str(tier_badge_html(tier))

    assert wording.TIER_LABELS[tier] in html
    assert TIER_LOOKS[tier]["icon"] in html
    assert 'aria-hidden="true"' in html


def test_the_legend_follows_the_engines_tiers_highest_first():
    legend = tier_legend()

    assert [t["tier"] for t in legend] == list(engine.TIERS)
    assert [t["label"] for t in legend] == [wording.TIER_LABELS[t] for t in engine.TIERS]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", t["colour"]) for t in legend)


@pytest.mark.django_db
def test_the_review_dashboard_hands_its_script_the_tiers_from_the_server(client_as, gina):
    content = client_as(gina).get(reverse("review_dashboard")).content.decode()

    embedded = re.search(
        r'<script id="review-dashboard-data" type="application/json">(.*?)</script>', content
    )
    assert json.loads(embedded.group(1))["tiers"] == tier_legend()


def test_the_dashboard_script_declares_no_tiers_of_its_own():
    script = (ROOT / "static/js/review-dashboard.js").read_text()

    for tier in engine.TIERS:
        assert wording.TIER_LABELS[tier] not in script
        assert TIER_LOOKS[tier]["colour"] not in script


def test_the_flag_choices_are_the_engines_tiers_in_their_words():
    assert Tier.choices == [(tier, wording.TIER_LABELS[tier]) for tier in engine.TIERS]
    assert Tier.VERY_HIGH == "very_high"


def test_higher_tiers_rank_higher_and_outreach_covers_all_but_the_lowest():
    ranks = [engine.TIER_RANKS[tier] for tier in engine.TIERS]
    assert ranks == sorted(ranks, reverse=True)
    assert engine.OUTREACH_TIERS == ("very_high", "high")
