"""Cursor pages of an extract, with an encrypted cursor that reveals nothing."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from commissioning.extracts.base import Audience, Extract, ExtractError, page_rows


class ExtractPagination(CursorPagination):
    """Cursor pages in the order of each record's UUID, which is never sent in clear.

    The cursor holds the last row's UUID encrypted and authenticated (Fernet),
    so it reveals nothing, cannot be forged and lasts `cursor_lifetime` seconds.
    Pages go forward only: an extract is read from the start to the end.
    """

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    cursor_lifetime = 24 * 60 * 60

    @staticmethod
    def _fernet() -> Fernet:
        secret = salted_hmac("lantern.api.cursor", "fernet", algorithm="sha256").digest()
        return Fernet(base64.urlsafe_b64encode(secret))

    def encode_position(self, position: str) -> str:
        return self._fernet().encrypt(position.encode()).decode()

    def decode_position(self, cursor: str) -> str:
        try:
            return self._fernet().decrypt(cursor.encode(), ttl=self.cursor_lifetime).decode()
        except (InvalidToken, ValueError, UnicodeError):
            raise ExtractError(
                "This cursor is not valid or has expired (cursors last 24 hours): start again "
                "from the first page.",
                field="cursor",
            ) from None

    def paginate_extract(
        self, request, extract: Extract, audience: Audience, filters, size: int
    ) -> list[dict]:
        """`size` rows (the validated `page_size`) after the request's cursor."""
        self.base_url = request.build_absolute_uri()
        cursor = request.query_params.get(self.cursor_query_param)
        after = self.decode_position(cursor) if cursor else None
        rows, self.next_position = page_rows(extract, audience, filters, after=after, size=size)
        return rows

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        cursor = self.encode_position(self.next_position)
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)
