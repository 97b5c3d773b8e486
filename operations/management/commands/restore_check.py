"""`manage.py restore_check`: restore the latest backup (or --backup FILE) into a scratch
database, compare every table's row count and checksum with the backup's manifest, drop the
scratch database. Exits non-zero, naming each table that differs, when the restore is not
faithful."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, restore_check


class Command(BaseCommand):
    help = "Prove the latest backup restores: row counts and checksums of every table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, help="Where backups are (LANTERN_BACKUP_DIR)."
        )
        parser.add_argument("--backup", type=Path, help="Check this file instead of the latest.")

    def handle(self, *args, directory: Path | None, backup: Path | None, **options):
        try:
            check = restore_check(backup=backup, directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not check.passed:
            for mismatch in check.mismatches:
                self.stderr.write(f"  {mismatch}")
            raise CommandError(
                f"{check.backup.name} did not restore faithfully: "
                f"{len(check.mismatches)} table(s) differ."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{check.backup.name} restored: {check.tables} tables and {check.rows} rows "
                "match the backup."
            )
        )
