"""`manage.py backup`: dump the database (pg_dump custom format) with its manifest of row
counts and checksums into LANTERN_BACKUP_DIR, keeping the newest LANTERN_BACKUP_KEEP."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database into the backup directory (pg_dump, custom format)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, help="Where to write (LANTERN_BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, help="How many backups to keep (LANTERN_BACKUP_KEEP)."
        )

    def handle(self, *args, directory: Path | None, keep: int | None, **options):
        try:
            path = backup_create(directory=directory, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path}"))
