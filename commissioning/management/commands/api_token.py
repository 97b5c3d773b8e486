"""`manage.py api_token`: issue, list and revoke commissioner API tokens from the shell.

    manage.py api_token create --client "Demo Commissioning" --user commissioner --days 90 --name returns
    manage.py api_token list [--client NAME]
    manage.py api_token revoke lantern_AbCd1234

The same services as the admin: a new token is printed once and only its hash is kept.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import User
from commissioning import services
from commissioning.models import ApiClient, ApiToken


class Command(BaseCommand):
    help = "Issue, list or revoke commissioner API tokens."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Issue a token and print it once.")
        create.add_argument("--client", required=True, help="The API client's name.")
        create.add_argument("--user", required=True, help="The commissioner's username.")
        create.add_argument("--days", type=int, default=90, help="Days until it expires (90).")
        create.add_argument("--name", default="", help="What the token is for.")
        listing = commands.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--client", help="Only this client's tokens.")
        revoke = commands.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The token's prefix, e.g. lantern_AbCd1234.")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, client: str, user: str, days: int, name: str, **options):
        found = ApiClient.objects.filter(name=client).first()
        if found is None:
            names = list(ApiClient.objects.order_by("name").values_list("name", flat=True))
            known = (
                f" The clients are: {', '.join(repr(n) for n in names)}."
                if names
                else " There is no API client yet."
            )
            raise CommandError(
                f"No API client is called {client!r}: create it in the admin.{known}"
            )
        commissioner = User.objects.filter(username=user).first()
        if commissioner is None:
            raise CommandError(f"No user is called {user!r}.")
        try:
            token, raw = services.api_token_create(
                client=found,
                user=commissioner,
                name=name or f"issued {timezone.localdate():%d/%m/%Y}",
                expires_at=timezone.now() + datetime.timedelta(days=days),
                created_by=None,
            )
        except ValidationError as invalid:
            raise CommandError(" ".join(invalid.messages)) from None
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix}… for {commissioner} ({found}) expires "
            f"{timezone.localtime(token.expires_at):%d/%m/%Y %H:%M}. It is shown only once."
        )

    def _list(self, *, client: str | None, **options):
        tokens = ApiToken.objects.select_related("client", "user").order_by(
            "client__name", "-created_at"
        )
        if client:
            tokens = tokens.filter(client__name=client)
        if not tokens.exists():
            whose = f" for {client!r}" if client else ""
            self.stdout.write(f"No API tokens{whose}. Issue one with `api_token create`.")
            return
        for token in tokens:
            state = "revoked" if token.is_revoked else "expired" if token.is_expired() else "active"
            self.stdout.write(
                f"{token.prefix}  {state:<8} {token.client}  {token.user}  "
                f"expires {timezone.localtime(token.expires_at):%d/%m/%Y}  {token.name}"
            )

    def _revoke(self, *, prefix: str, **options):
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token has the prefix {prefix!r}.")
        services.api_token_revoke(token=token, revoked_by=None)
        self.stdout.write(f"Revoked {token.prefix}… ({token.name}).")
