"""The one pager every list includes: its links keep the list's filters and search."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pager(query: str, number: int) -> str:
    request = RequestFactory().get(f"/reviews/?{query}")
    page = Paginator(range(60), 25).get_page(number)
    return render_to_string("_pager.html", {"page": page}, request=request)


def test_the_links_keep_the_rest_of_the_query_and_change_only_the_page():
    html = pager("status=open&q=O%27Brien&page=2", 2)

    assert 'href="?status=open&amp;q=O%27Brien&amp;page=1"' in html
    assert 'href="?status=open&amp;q=O%27Brien&amp;page=3"' in html
    assert "Page 2 of 3" in html


def test_one_page_draws_no_pager():
    request = RequestFactory().get("/")
    page = Paginator(range(5), 25).get_page(1)

    assert render_to_string("_pager.html", {"page": page}, request=request).strip() == ""
