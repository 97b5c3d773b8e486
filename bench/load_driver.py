"""The load benchmark's driver (`bench/load.py` runs it): signed-in staff asking gunicorn for
their pages in a closed loop, over plain HTTP.

No Django is set up here, so the driver's CPU is only the client's: it reads its plan as JSON
on stdin (`base`, `password`, `think_ms`, `seconds`, `users` each with their authenticator
device, `server_pids` whose CPU to count) and prints its samples as one JSON line on stdout.

    .venv/bin/python bench/load_driver.py < plan.json
"""

import concurrent.futures
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

# The codes come from the app's own arithmetic, which needs no Django (`core.totp`).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core import totp

REQUEST_TIMEOUT_S = 30


class PageError(Exception):
    """A response that is not the page asked for."""


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERSON_LINK = re.compile(r'<a href="(/people/[0-9a-f-]{36}/)">([^<]+)</a>')


def new_session(base: str):
    """A `requests` session that talks to gunicorn as a TLS-terminating proxy would."""
    import requests

    class BehindTlsProxy(requests.Session):
        def send(self, request, **kwargs):
            response = super().send(request, **kwargs)
            # The app marks its cookies Secure (it sees HTTPS through X-Forwarded-Proto);
            # the proxy's leg to the browser is HTTPS, so the browser would send them back.
            for cookie in self.cookies:
                cookie.secure = False
            return response

    session = BehindTlsProxy()
    session.headers.update({"X-Forwarded-Proto": "https", "Origin": f"https://{base[7:]}"})
    return session


def unused_code(device: dict) -> str:
    """The code the user's authenticator app shows for the earliest time step Lantern takes
    (`core.totp.earliest_unused`), waiting for the clock when every step it would take is
    used. `device` holds the device's clock as `core.totp` names it, its key in hex, as
    read before the run; its `last_t` moves on to the step taken.
    """
    while True:
        clock = {name: device[name] for name in ("step", "t0", "digits", "drift", "tolerance")}
        found = totp.earliest_unused(
            bytes.fromhex(device["key"]), **clock, last_t=device["last_t"], now=time.time()
        )
        if found is not None:
            code, device["last_t"] = found
            return code
        time.sleep(1)


def _post_form(session, base: str, path: str, fields: dict):
    """GET the form at `path` for its CSRF token, then POST `fields` to it; no redirects."""
    page = session.get(f"{base}{path}", timeout=REQUEST_TIMEOUT_S)
    token = _CSRF_FIELD.search(page.text)
    if page.status_code != 200 or token is None:
        raise PageError(f"{path} answered {page.status_code} without a form")
    return session.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": token.group(1), **fields},
        headers={"Referer": f"https://{base[7:]}{path}"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT_S,
    )


def sign_in(session, base: str, user: dict, password: str) -> None:
    """Sign in through the real forms: the password, then the code from the user's
    authenticator app (`user["device"]`), each page with its own CSRF token.

    Every step of signing in lives here, so a change to the steps is made once.
    """
    username = user["username"]
    answer = _post_form(
        session, base, "/accounts/login/", {"username": username, "password": password}
    )
    if answer.status_code != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
        raise PageError(f"signing in as {username} answered {answer.status_code}")
    answer = _post_form(
        session, base, "/accounts/second-factor/", {"code": unused_code(user["device"])}
    )
    if answer.status_code != 302 or "/accounts/" in answer.headers.get("Location", ""):
        raise PageError(f"the second factor for {username} answered {answer.status_code}")


class Visitor:
    """One signed-in member of staff going round their pages in a closed loop."""

    def __init__(self, base: str, user: dict, deadline_at: float, think_s: float) -> None:
        self.base = base
        self.user = user
        self.deadline_at = deadline_at
        self.think_s = think_s
        self.session = new_session(base)
        self.samples: list[tuple[str, float, float, bool]] = []  # page, at, ms, ok
        self.failures: list[str] = []
        self.people: list[tuple[str, str]] = []
        self.turn = 0

    def fetch(self, page: str, path: str, must_hold: list[str]) -> str:
        started = time.perf_counter()
        ok, text = True, ""
        try:
            response = self.session.get(
                self.base + path, allow_redirects=False, timeout=REQUEST_TIMEOUT_S
            )
            text = response.text
            if response.status_code != 200:
                raise PageError(f"{path} answered {response.status_code}")
            missing = [needle for needle in must_hold if needle not in text]
            if missing:
                raise PageError(f"{path} lacks {missing[0]!r}")
        except Exception as error:  # connection errors and timeouts count as errors too
            ok = False
            if len(self.failures) < 5:
                self.failures.append(f"{self.user['username']}: {error}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.samples.append((page, started, elapsed_ms, ok))
        if self.think_s:
            time.sleep(self.think_s)
        return text if ok else ""

    def round(self) -> None:
        lead = self.user["role"] == "team_lead"
        scope = "team" if lead else "mine"
        sort = "?sort=risk" if self.turn % 2 else ""
        text = self.fetch(
            "caseload",
            f"/caseload/{scope}/{sort}",
            ["Team caseload" if lead else "My caseload", 'href="/people/'],
        )
        if text:
            self.people = _PERSON_LINK.findall(text) or self.people
        if self.people:
            path, name = self.people[self.turn % len(self.people)]
            self.fetch("record", path, [name])
        self.fetch("worklist", "/outreach/", ["Outreach worklist"])
        if lead:
            self.fetch("not_contacted", "/outreach/not-contacted/", ["not contacted within"])
        self.turn += 1

    def run(self) -> None:
        while time.perf_counter() < self.deadline_at:
            self.round()


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used by a process and its descendants, living or exited (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name.
        total += sum(int(v) for v in fields[11:15]) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError):
        return total
    return total + sum(tree_cpu_s(int(child)) for child in children)


def drive(plan: dict) -> dict:
    """Sign every user in, then run them all at once until the deadline; return samples."""
    base, users = plan["base"], plan["users"]
    visitors = [Visitor(base, user, 0.0, plan["think_ms"] / 1000) for user in users]
    signed_in: list[float] = []

    def arrive(visitor: Visitor) -> None:
        started = time.perf_counter()
        sign_in(visitor.session, base, visitor.user, plan["password"])
        signed_in.append((time.perf_counter() - started) * 1000)

    def warm_up(visitor: Visitor) -> None:
        visitor.round()  # untimed: each gunicorn worker loads its templates on first use
        visitor.samples.clear()
        visitor.failures.clear()

    # Everyone signs in at once (password hashing is slow by design) and goes round their
    # pages once, before the clock starts.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        list(pool.map(arrive, visitors))
        list(pool.map(warm_up, visitors))
    servers = plan.get("server_pids", {})
    cpu_before = {name: tree_cpu_s(pid) for name, pid in servers.items()}
    own_before = time.process_time()
    began = time.perf_counter()
    for visitor in visitors:
        visitor.deadline_at = began + plan["seconds"]
    threads = [threading.Thread(target=v.run, name=v.user["username"]) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cpu = {name: tree_cpu_s(pid) - cpu_before[name] for name, pid in servers.items()}
    cpu["driver"] = time.process_time() - own_before
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "load_average": os.getloadavg()[0],
        "sign_in_ms": signed_in,
        "samples": [
            [page, round(at - began, 4), round(ms, 2), ok]
            for visitor in visitors
            for page, at, ms, ok in visitor.samples
        ],
        "failures": [f for visitor in visitors for f in visitor.failures][:10],
    }


if __name__ == "__main__":
    print(json.dumps(drive(json.load(sys.stdin))))
