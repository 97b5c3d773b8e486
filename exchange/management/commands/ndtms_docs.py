"""Write docs/ndtms.md from the declaration of the NDTMS items and code lists.

manage.py ndtms_docs [--output docs/ndtms.md]
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from exchange.ndtms.docs import render


class Command(BaseCommand):
    help = "Write docs/ndtms.md from the declaration of the NDTMS items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "ndtms.md"))

    def handle(self, *args, **options) -> None:
        Path(options["output"]).write_text(render(), encoding="utf-8")
        self.stderr.write(f"Wrote {options['output']}.")
