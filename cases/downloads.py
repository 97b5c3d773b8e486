"""Letting a page know that a download it asked for has started.

A download does not replace the page, so the page cannot see the response. The link
(`static/js/busy.js`) adds a one-off `download_token`; `mark_download_started` echoes it
in a short-lived cookie on the response, which the page watches for. The token is
checked to be short and plain so nothing else can be put in the cookie.
"""

import re

from django.http import HttpRequest, HttpResponseBase

DOWNLOAD_COOKIE = "lantern_download"
_TOKEN = re.compile(r"^[0-9A-Za-z]{1,40}$")


def mark_download_started(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    token = request.GET.get("download_token", "")
    if _TOKEN.match(token):
        response.set_cookie(
            DOWNLOAD_COOKIE,
            token,
            max_age=60,
            samesite="Strict",
            secure=request.is_secure(),
            httponly=False,  # read by the page's script; it holds only the token
        )
    return response
