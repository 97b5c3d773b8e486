"""The data quality page hands its counting to a Celery worker: at national scale counting
takes about a minute, longer than a page may keep a web worker. The page says the counts are
on their way, many requests queue one count, and the counts show once the worker is done.
Where tasks run in the request (no Redis: the quick start), the first request shows them.

The worker tests are skipped only when `redis-server` is not installed (`.ci/run` installs it).
"""

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from exchange.selectors import count_problems, data_quality
from tests.exchange.ndtms.test_quality import referred
from tests.processes import RedisServer, needs_redis_server, wait_until

pytestmark = pytest.mark.django_db

TASK = "exchange.tasks.ndtms_quality_count_task"


def counting(page) -> bool:
    return b"Lantern is counting this month" in page.content


def test_without_redis_the_first_request_shows_the_counts(client_as, adam, jo):
    assert celery_app.conf.task_always_eager  # the quick start's setting: no REDIS_URL
    referred(jo)

    page = client_as(adam).get(reverse("ndtms_quality"))

    assert page.status_code == 200
    assert not counting(page)
    assert page.context["quality"].rows[-1].total == (1, None)


@needs_redis_server
def test_many_requests_queue_one_count_until_a_worker_takes_it(tmp_path, client_as, adam, jo):
    # A real Redis and no worker yet: what the page queues stays in the queue to be counted.
    server = RedisServer(tmp_path)
    server.start()
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=server.url)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        client = client_as(adam)
        pages = [client.get(reverse("ndtms_quality")) for _ in range(3)]

        assert [page.status_code for page in pages] == [200, 200, 200]
        assert all(counting(page) and page.context["quality"] is None for page in pages)
        assert redis.Redis.from_url(server.url).llen("celery") == 1
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        server.stop()


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_a_worker_counts_and_the_page_then_shows_the_counts(client_as, adam, jo, exchange_worker):
    referred(jo)
    service, today = jo.team.service, timezone.localdate()
    client = client_as(adam)

    first = client.get(reverse("ndtms_quality"))
    shown = wait_until(
        lambda: (page := client.get(reverse("ndtms_quality"))).context["quality"] and page,
        "the worker to count",
    )

    assert counting(first)
    here = count_problems(service, today)
    assert not counting(shown)
    # The worker's counts, as this process counts the same records (a transactional test
    # runs on whatever reference data the tests before it left).
    assert shown.context["quality"].rows == data_quality(service, today, here).rows
    assert b"counted at" in shown.content
    assert exchange_worker.read_text().count(f"Task {TASK}[") >= 1


def test_when_the_queue_does_not_answer_the_page_says_so_and_asks_again_next_time(
    client_as, adam, jo, redis_away
):
    client = client_as(adam)

    page = client.get(reverse("ndtms_quality"))
    again = client.get(reverse("ndtms_quality"))

    assert page.status_code == 503
    assert b"task queue did not answer" in page.content
    assert page.context["quality"] is None
    # The failed count was not left claimed: the next request tried to queue one again.
    assert again.status_code == 503
