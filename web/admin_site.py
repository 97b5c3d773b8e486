"""The Django admin's site: configuration only, and bad query input answered with 400.

`LanternAdminSite` is `admin.site` (through `config.app_names.LanternAdminConfig`):

- It registers only the models in `cases.access.ADMIN_MODELS`. The admin is the
  administrator's place, and administrators hold configuration, not people: a
  model holding people's records fails at start-up rather than appearing there.
- Every admin list refuses a filter it does not have or a value its field cannot
  take, and a number too large for a date, with 400 and a plain message. (A
  control character in any page's query, the admin's included, is refused by
  `config.middleware.RefuseControlCharactersMiddleware`.)
- A model that moved to another app (`MOVED_MODELS`) keeps its old admin addresses:
  each, with any sub-path and query, is a permanent redirect to the same page under
  the new app, for whoever the admin lets in. Anyone else is sent to the admin's
  sign-in, as from any admin page, so the redirect tells them nothing.
"""

import re
from functools import wraps
from urllib.parse import quote

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ImproperlyConfigured
from django.db.models.base import ModelBase
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import re_path, reverse

from cases.access import ADMIN_MODELS
from cases.models import User

UNKNOWN_FILTER = (
    "This list cannot be filtered or sorted that way: a filter in the address is not one "
    "the list offers, or its value is not one it takes. Open the list again from the menu."
)


# Models that moved to another app, "old_app_label.model_name": new app label. Bookmarks and
# links to their admin pages (the API's clients, tokens and request log were `cases` models)
# keep working.
MOVED_MODELS = {
    "cases.apiclient": "commissioning",
    "cases.apitoken": "commissioning",
    "cases.apirequestlog": "commissioning",
}


def moved_models_pattern() -> str:
    """One pattern for every old admin address of `MOVED_MODELS`: app, model, then any path."""
    old_apps = sorted({label.split(".")[0] for label in MOVED_MODELS})
    models = sorted({label.split(".")[1] for label in MOVED_MODELS})
    return (
        rf"^(?P<app_label>{'|'.join(map(re.escape, old_apps))})/"
        rf"(?P<model_name>{'|'.join(map(re.escape, models))})/(?P<rest>.*)$"
    )


def can_administer(user: User) -> bool:
    """Who the admin lets in (Django's own rule: active staff), and whose navigation
    offers it."""
    return user.is_active and user.is_staff


class LanternAdminSite(admin.AdminSite):
    site_header = "Lantern administration"
    site_title = "Lantern administration"
    index_title = "Configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            # A swapped model (auth.user, replaced by cases.user) is never shown.
            if model._meta.label_lower not in ADMIN_MODELS and not model._meta.swapped:
                raise ImproperlyConfigured(
                    f"{model._meta.label_lower} is not in cases.access.ADMIN_MODELS: the admin "
                    "holds configuration, never records of people."
                )
        return super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        # First, so no other admin pattern (the catch-all) answers an old address.
        moved = re_path(
            moved_models_pattern(), self.admin_view(self.moved_model), name="moved_model"
        )
        return [moved, *super().get_urls()]

    def moved_model(
        self, request: HttpRequest, app_label: str, model_name: str, rest: str
    ) -> HttpResponse:
        """The same admin page under the model's new app, for good (301)."""
        new_app = MOVED_MODELS.get(f"{app_label}.{model_name}")
        if new_app is None:  # an old app and a model name of two different moves
            raise Http404
        index = reverse(f"{self.name}:index", current_app=self.name)
        # `rest` arrives decoded: quoted again, it means the same page and cannot end the path.
        target = f"{index}{new_app}/{model_name}/{quote(rest)}"
        if request.META.get("QUERY_STRING"):
            target += f"?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(target)

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                response = view(request, *args, **kwargs)
            except OverflowError:
                # A number too large for any date (the date hierarchy's year=10**20)
                # overflows in Django's own list code, which catches only ValueError.
                return self._bad_query(request, UNKNOWN_FILTER)
            # A list given a filter it lacks, or a value its field cannot take, sends the
            # browser to "?e=1", Django's "Database error" page: it is the address at fault.
            if isinstance(response, HttpResponseRedirect) and response.url == (
                f"{request.path}?{ERROR_FLAG}=1"
            ):
                return self._bad_query(request, UNKNOWN_FILTER)
            return response

        # The site's own check (signed in as staff) comes first, as for any admin page.
        return super().admin_view(checked, cacheable)

    def _bad_query(self, request: HttpRequest, message: str) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/bad_query.html",
            {
                **self.each_context(request),
                "title": "This address cannot be shown",
                "message": message,
            },
            status=400,
        )
