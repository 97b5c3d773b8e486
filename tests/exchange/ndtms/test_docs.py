"""docs/ndtms.md says what the declaration says: every item, its source and its codes."""

from pathlib import Path

from django.conf import settings

from exchange.ndtms.codes import DATASET_VERSION
from exchange.ndtms.docs import render
from exchange.ndtms.items import ITEMS

DOCS = Path(settings.BASE_DIR) / "docs" / "ndtms.md"


def test_the_document_is_the_one_the_declaration_generates():
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/ndtms.md is out of step with exchange/ndtms: run manage.py ndtms_docs"
    )


def test_it_lists_every_item_with_its_source_and_the_dataset_version():
    text = render()

    assert f"dataset **{DATASET_VERSION}**" in text
    for item in ITEMS:
        assert f"| `{item.name}` | {item.section} | {item.lantern.replace('|', '/')} |" in text
    assert "## Unconfirmed against the official specification" in text
