"""External links (--check-external) against real HTTP servers on 127.0.0.1: what each
answer and each network failure becomes, retries and Retry-After, HEAD/GET, redirects,
limits, the cache shared across runs, config and the command line. No request ever
leaves the machine: the only other host named is under `.invalid`, which resolves
nowhere."""
from __future__ import annotations

import asyncio
import dataclasses
import http.server
import json
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qa import external
from qa.config import ConfigError, duration, from_dict
from qa.runner import run
from rules.external_link import mailto_problem, tel_problem

ROOT = Path(__file__).resolve().parent.parent
FAST = dict(timeout=2.0, retries=2, backoff=0.05, rate=1000.0)


@dataclass
class Reply:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    head: int | None = None          # another status for HEAD (405: HEAD not allowed)


class Loopback:
    """A scripted HTTP server: `routes[path]` is a list of replies given in turn (the last
    one repeats); every request is logged (method, path, monotonic time, headers)."""

    def __init__(self):
        self.routes: dict[str, list[Reply]] = {}
        self.log: list[tuple[str, str, float, dict]] = []
        self.lock = threading.Lock()
        self.active = self.peak = 0
        loop = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.answer(True)

            def do_GET(self):
                self.answer(False)

            def answer(self, head: bool) -> None:
                path = self.path.split("?")[0]
                with loop.lock:
                    loop.log.append((self.command, path, time.monotonic(), dict(self.headers)))
                    loop.active += 1
                    loop.peak = max(loop.peak, loop.active)
                    replies = loop.routes.get(path) or [Reply(404)]
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
                try:
                    time.sleep(reply.delay)
                    status = reply.head if head and reply.head else reply.status
                    self.send_response(status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if not head:
                        self.wfile.write(reply.body)
                finally:
                    with loop.lock:
                        loop.active -= 1

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False       # a slow reply still sleeping must not hold the test

            def handle_error(self, request, client_address):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str, method: str | None = None) -> list[tuple]:
        return [e for e in self.log if e[1] == path and (method is None or e[0] == method)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    s = Loopback()
    yield s
    s.close()


@pytest.fixture
def fast(monkeypatch):
    """Short backoff for the runs through the config (which has no key for it)."""
    original = external.ExternalOptions.from_config.__func__

    def from_config(cls, config):
        return dataclasses.replace(original(cls, config), backoff=0.05)
    monkeypatch.setattr(external.ExternalOptions, "from_config", classmethod(from_config))


def opts(**kw) -> external.ExternalOptions:
    return external.ExternalOptions(**{**FAST, **kw})


def page(tmp_path: Path, *hrefs: str, name: str = "index.html") -> Path:
    site = tmp_path / "site"
    links = "\n".join(f'<p><a href="{h}">Link {i}</a></p>' for i, h in enumerate(hrefs))
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text('<!doctype html><html lang="en"><title>Links</title><main>'
                             f"<h1>Links</h1>\n{links}\n</main></html>", "utf-8")
    return site


def check(site: Path, cache_dir: Path | None = None, **ext):
    cfg = from_dict({"external": {"enabled": True, "timeout": 2, **ext}})
    cfg.cache_dir = str(cache_dir) if cache_dir else None
    report = run([str(site)], cfg)
    return [f for f in report.findings if f.rule == "external-link"], report


# -- answers ----------------------------------------------------------------------------
def test_ok_404_410_and_other_4xx(server, tmp_path, fast):
    ok = server.route("/ok", Reply(200))
    gone = server.route("/gone", Reply(404))
    old = server.route("/old", Reply(410))
    teapot = server.route("/teapot", Reply(418))
    found, report = check(page(tmp_path, ok, gone, old + "#part", teapot))
    by_url = {f.subject: f for f in found}
    assert set(by_url) == {gone, old, teapot}
    f = by_url[gone]
    assert f.severity == "error" and f.line == 3
    assert f.message == f'link to "{gone}" is broken (HTTP 404 Not Found)'
    assert f.cause == f'HTTP 404 at "{gone}"'
    assert by_url[old].message.endswith("(HTTP 410 Gone)")
    assert by_url[teapot].severity == "error"
    assert report.failed


def test_500_then_200_is_retried_and_fine(server, tmp_path, fast):
    url = server.route("/flaky", Reply(500), Reply(200))
    found, _ = check(page(tmp_path, url))
    assert found == []
    assert [e[0] for e in server.hits("/flaky")] == ["HEAD", "HEAD"]


def test_429_then_200_waits_for_retry_after_and_ends_with_no_false_failure(server, tmp_path, fast):
    url = server.route("/busy", Reply(429, {"Retry-After": "1"}), Reply(200))
    found, report = check(page(tmp_path, url))
    assert found == [] and not report.failed
    first, second = server.hits("/busy")
    assert second[2] - first[2] >= 0.95         # Retry-After: 1 was honoured


def test_429_forever_is_a_warning(server, tmp_path, fast):
    url = server.route("/limited", Reply(429))
    found, report = check(page(tmp_path, url), retries=1)
    assert [f.severity for f in found] == ["warning"]
    assert "HTTP 429 Too Many Requests after 2 attempts" in found[0].message
    assert not report.failed
    assert len(server.hits("/limited")) == 2


def test_503_after_retries_is_a_warning(server, tmp_path, fast):
    url = server.route("/down", Reply(503))
    found, _ = check(page(tmp_path, url))
    assert [f.severity for f in found] == ["warning"]
    assert "HTTP 503 Service Unavailable after 3 attempts" in found[0].message
    assert "may be down" in found[0].message


def test_retry_after_longer_than_the_cap_is_given_up_and_said(server):
    url = server.route("/later", Reply(503, {"Retry-After": "3600"}))
    started = time.monotonic()
    r = external.check_urls([url], opts())[url]
    assert time.monotonic() - started < 2 and len(server.hits("/later")) == 1
    assert r.status == 503 and "asked to wait 3600 s" in r.message and "60 s" in r.message


def test_retry_after_as_an_http_date():
    when = time.time() + 30
    assert 28 < external._retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                                    time.gmtime(when))) <= 30
    assert external._retry_after("soon") is None and external._retry_after("7") == 7


def test_head_refused_falls_back_to_get(server, tmp_path, fast):
    url = server.route("/nohead", Reply(200, head=405))
    found, _ = check(page(tmp_path, url))
    assert found == []
    assert [e[0] for e in server.hits("/nohead")] == ["HEAD", "GET"]


def test_redirect_chain_is_followed_and_recorded(server, tmp_path, fast):
    start = server.route("/r1", Reply(301, {"Location": "/r2"}))
    server.route("/r2", Reply(302, {"Location": server.url("/ok")}))
    server.route("/ok", Reply(200))
    r = external.check_urls([start], opts())[start]
    assert r.status == 200 and r.final_url == server.url("/ok")
    assert r.redirects == ((301, server.url("/r2")), (302, server.url("/ok")))
    assert check(page(tmp_path, start))[0] == []


def test_redirect_loop_and_too_many_redirects_are_errors(server, tmp_path, fast):
    loop = server.route("/a", Reply(302, {"Location": "/b"}))
    server.route("/b", Reply(302, {"Location": "/a"}))
    for i in range(12):
        server.route(f"/hop{i}", Reply(302, {"Location": f"/hop{i + 1}"}))
    found, _ = check(page(tmp_path, loop, server.url("/hop0")))
    by_url = {f.subject: f for f in found}
    assert by_url[loop].severity == "error"
    assert "redirects in a loop" in by_url[loop].message
    assert "redirects more than 10 times" in by_url[server.url("/hop0")].message
    assert len(server.hits("/hop11")) == 0          # stopped at the limit


# -- network failures -------------------------------------------------------------------
def test_slow_server_times_out_as_a_warning(server, tmp_path, fast):
    url = server.route("/slow", Reply(200, delay=2))
    found, report = check(page(tmp_path, url), timeout=0.3, retries=0)
    assert [f.severity for f in found] == ["warning"] and not report.failed
    assert "could not be checked: timed out after 0.3 s" in found[0].message


@pytest.fixture
def resetting():
    """A raw server that reads the request and closes with SO_LINGER 0: a TCP reset."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def serve():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            c.recv(65536)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{s.getsockname()[1]}/"
    s.close()


def test_connection_reset_is_a_warning(resetting, tmp_path, fast):
    found, _ = check(page(tmp_path, resetting), retries=1)
    assert [f.severity for f in found] == ["warning"]
    assert "connection reset" in found[0].message and found[0].data["error"] == "reset"


def test_refused_and_dns_failures_are_warnings_grouped_by_host(tmp_path, fast):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                           # nothing listens there now
    refused = f"http://127.0.0.1:{port}/x"
    nowhere = ["http://nothing.invalid/a", "http://nothing.invalid/b"]
    started = time.monotonic()
    found, report = check(page(tmp_path, refused, *nowhere), retries=0)
    assert time.monotonic() - started < 10
    assert not report.failed and {f.severity for f in found} == {"warning"}
    by_url = {f.subject: f for f in found}
    assert "connection refused" in by_url[refused].message
    assert "host not found (DNS)" in by_url[nowhere[0]].message
    assert by_url[nowhere[0]].cause == by_url[nowhere[1]].cause == 'dns at "nothing.invalid"'


def test_classify_tls():
    import ssl
    import httpx
    e = ssl.SSLCertVerificationError(1, "certificate verify failed")
    e.verify_message = "certificate has expired"
    wrapped = httpx.ConnectError("failed")
    wrapped.__cause__ = e
    assert external.classify(wrapped, 10) == ("tls", "TLS certificate problem: certificate has expired")


# -- politeness -------------------------------------------------------------------------
def test_per_host_concurrency_rate_and_user_agent(server):
    urls = [server.route(f"/p{i}", Reply(200, delay=0.2)) for i in range(6)]
    external.check_urls(urls, opts(per_host=2))
    assert server.peak <= 2
    assert all(e[3]["User-Agent"].startswith("qa-linter/") for e in server.log)
    server.log.clear()
    urls = [server.route(f"/q{i}", Reply(200)) for i in range(5)]
    started = time.monotonic()
    external.check_urls(urls, opts(rate=5.0))
    assert time.monotonic() - started >= 0.75       # 5 a second: the 5th at 0.8 s


def test_headers_are_sent_and_results_are_picklable(server):
    url = server.route("/private", Reply(200))
    r = external.check_urls([url], opts(headers={"Authorization": "Bearer s3cret"}))[url]
    assert server.log[0][3]["Authorization"] == "Bearer s3cret"
    assert pickle.loads(pickle.dumps(r)) == r
    assert "s3cret" not in repr(opts(headers={"Authorization": "Bearer s3cret"}))


def test_works_when_called_from_a_running_event_loop(server):
    url = server.route("/ok", Reply(200))

    async def inside():
        return external.check_urls([url], opts())
    assert asyncio.run(inside())[url].status == 200


def test_the_same_url_from_many_pages_is_fetched_once(server, tmp_path, fast):
    url = server.route("/shared", Reply(200, {"Content-Type": "text/html"}, b'<p id="x">'))
    for i in range(30):
        site = page(tmp_path, url, url + "#x", url + "#top", name=f"p{i}.html")
    found, _ = check(site)
    assert found == [] and len(server.hits("/shared")) == 1


def test_without_check_external_no_request_is_made(server, tmp_path):
    url = server.route("/ok", Reply(200))
    site = page(tmp_path, url, server.url("/gone"), "mailto:nobody")
    report = run([str(site)], from_dict({}))
    assert server.log == []
    # the offline checks still run: an email link with no @
    assert [f.subject for f in report.findings if f.rule == "external-link"] == ["mailto:nobody"]


def test_the_rule_turned_off_makes_no_request(server, tmp_path):
    url = server.route("/gone", Reply(404))
    cfg = from_dict({"external": {"enabled": True}, "rules": {"external-link": False}})
    report = run([str(page(tmp_path, url))], cfg)
    assert server.log == [] and not report.findings


# -- fragments --------------------------------------------------------------------------
def test_fragments_only_when_asked(server, tmp_path, fast):
    doc = server.route("/doc", Reply(200, {"Content-Type": "text/html; charset=utf-8"},
                                     b'<h2 id="here">Here</h2><a name="old"></a>'
                                     b'<template><p id="inert"></p></template>'))
    site = page(tmp_path, doc + "#here", doc + "#old", doc + "#gone", doc + "#inert")
    assert check(site)[0] == []
    assert [e[0] for e in server.hits("/doc")] == ["HEAD"]      # no body read
    found, _ = check(site, fragments=True)
    assert sorted(f.subject for f in found) == [doc + "#gone", doc + "#inert"]
    assert {f.severity for f in found} == {"warning"}
    assert 'fragment "#gone" not found' in next(f.message for f in found if "gone" in f.subject)
    assert server.hits("/doc")[-1][0] == "GET"


# -- the cache --------------------------------------------------------------------------
def test_cache_is_reused_across_runs_and_max_age_0_refetches(server, tmp_path, fast):
    ok, gone = server.route("/ok", Reply(200)), server.route("/gone", Reply(404))
    busy = server.route("/busy", Reply(503))
    cache = tmp_path / "cache"
    site = page(tmp_path, ok, gone, busy)
    first, _ = check(site, cache, retries=0)
    assert [e[:2] for e in server.log if e[1] == "/gone"] == [("HEAD", "/gone"), ("GET", "/gone")]
    n = len(server.log)                         # HEAD ok, HEAD+GET gone, HEAD busy
    doc = json.loads((cache / external.CACHE_FILE).read_text())
    assert set(doc["entries"]) == {ok, gone}       # a 503 is never kept
    again, _ = check(site, cache, retries=0)
    assert [f.message for f in again] == [f.message for f in first]
    assert [e[1] for e in server.log[n:]] == ["/busy"]     # only what was not definitive
    check(site, cache, retries=0, **{"max-age": 0})
    assert {e[1] for e in server.log[n + 1:]} == {"/ok", "/gone", "/busy"}


def test_links_are_recorded_only_to_be_checked_and_a_warm_cache_still_checks_them(
        server, tmp_path, fast):
    # a page keeps its links to other sites only when the run checks them (memory on a
    # big site); a page result cached by a run without --check-external lacks them, so
    # the cache must not give it to a run with it
    from qa import sources
    from qa.runner import check_page
    gone = server.route("/gone", Reply(404))
    site = page(tmp_path, gone, "mailto:nobody")
    srcs, pages, _ = sources.discover([str(site)])
    assert check_page(srcs[0], pages, from_dict({})).tables["external-link"]["links"] == []
    pages.checks_external = True
    [link] = check_page(srcs[0], pages, from_dict({})).tables["external-link"]["links"]
    assert link["url"] == gone
    cache = tmp_path / "cache"
    cold = from_dict({})
    cold.cache_dir = str(cache)
    assert [f.subject for f in run([str(site)], cold).findings] == ["mailto:nobody"]
    found, report = check(site, cache)
    assert report.meta["cache"]["from_cache"] == 0
    assert sorted(f.subject for f in found) == [gone, "mailto:nobody"]
    assert check(site, cache)[1].meta["cache"]["from_cache"] == 1     # its own entry


def test_a_corrupt_cache_file_is_ignored_and_replaced(server, tmp_path, fast):
    ok = server.route("/ok", Reply(200))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / external.CACHE_FILE).write_bytes(b'{"format": 1, "entries": {"' + ok.encode() + b'": 7')
    assert check(page(tmp_path, ok), cache)[0] == []
    assert ok in json.loads((cache / external.CACHE_FILE).read_text())["entries"]


def test_cached_entries_with_another_login_are_not_shared(server, tmp_path):
    url = server.route("/ok", Reply(200))
    o = opts(cache_file=tmp_path / "c.json")
    external.check_urls([url], o)
    external.check_urls([url], o)
    assert len(server.log) == 1
    external.check_urls([url], dataclasses.replace(o, headers={"Cookie": "a=1"}))
    assert len(server.log) == 2


# -- config: exclude, status policies ----------------------------------------------------
def test_exclude_url_patterns(server, tmp_path, fast):
    gone = server.route("/gone", Reply(404))
    skipped = server.route("/private/x", Reply(404))
    found, _ = check(page(tmp_path, gone, skipped), exclude=["/private/"])
    assert [f.subject for f in found] == [gone]
    assert server.hits("/private/x") == []


def test_status_policies_global_and_per_host(server, tmp_path, fast):
    blocked = server.route("/blocked", Reply(403))
    down = server.route("/down", Reply(500))
    site = page(tmp_path, blocked, down)
    found, _ = check(site, retries=0)
    assert {f.subject: f.severity for f in found} == {blocked: "error", down: "warning"}
    found, report = check(site, retries=0, hosts={"127.0.0.1": {"status": {403: "warning"}}},
                          status={"403": "ignore", "5xx": "error"})
    assert {f.subject: f.severity for f in found} == {blocked: "warning", down: "error"}
    found, _ = check(site, retries=0, status={"403": "ignore", "500": "ignore"})
    assert found == []


@pytest.mark.parametrize("ext, key", [
    ({"exclude": ["(unclosed"]}, "external.exclude[0]"),
    ({"status": {"403": "loud"}}, "external.status.403"),
    ({"status": {"40": "warning"}}, "external.status.40"),
    ({"hosts": {"x.org": {"status": {"403": "nope"}}}}, 'external.hosts."x.org".status.403'),
    ({"hosts": {"x.org": {"retries": 1}}}, 'external.hosts."x.org".retries'),
    ({"max-age": "1 week"}, "external.max-age"),
    ({"max-age": -1}, "external.max-age"),
    ({"timeout": 0}, "external.timeout"),
    ({"retries": 11}, "external.retries"),
    ({"per-host": 0}, "external.per-host"),
    ({"rate": 0}, "external.rate"),
    ({"fragments": "yes"}, "external.fragments"),
    ({"enable": True}, "external.enable"),
])
def test_bad_external_config_names_the_key(ext, key):
    with pytest.raises(ConfigError) as e:
        from_dict({"external": ext})
    assert e.value.key == key


def test_durations():
    assert [duration("k", v) for v in (0, 90, "45s", "30m", "12h", "7d", "1.5h")] == \
        [0, 90, 45, 1800, 43200, 604800, 5400]


def test_the_readme_example_loads():
    import re
    import tomllib
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"^(\[tool\.qa\.external\].*?)\n\n", text, re.S | re.M).group(1)
    cfg = from_dict(tomllib.loads(block)["tool"]["qa"])
    assert cfg.external["status"]["403"] == "warning"
    assert cfg.external["hosts"]["example.org"]["status"] == {"403": "ignore"}


# -- mailto: and tel: ---------------------------------------------------------------------
@pytest.mark.parametrize("ref, problem", [
    ("mailto:", "has no address"),
    ("mailto:?cc=", "has no address"),
    ("mailto:jane doe@example.org", "space"),
    ("mailto:jane@example", "domain such as example.org"),
    ("mailto:jane(at)example.org", "no @"),
    ("mailto:a@b.org?cc=c%20d@e.org", "space"),
    ("mailto:@example.org", "nothing before the @"),
    ("mailto:jane.doe@example.org", None),
    ("mailto:a@b.org,c@d.org?subject=Hi", None),
    ("mailto:?subject=Read%20this&body=https%3A%2F%2Fexample.org", None),
    ("mailto:%22jane%20doe%22@example.org", None),     # a quoted local part may hold a space
    ("mailto:j%C3%B6rg@b%C3%BCcher.de", None),
])
def test_mailto(ref, problem):
    found = mailto_problem(ref)
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("ref, problem", [
    ("tel:1-800-FLOWERS", "letters"),
    ("tel:", "no number"),
    ("tel:+-", "no number"),
    ("tel:555+0100", "+ that is not at the start"),
    ("tel:555_0100", '"_"'),
    ("tel:+1-555-0100;ext=twelve", "extension"),
    ("tel:+1-555-0100", None),
    ("tel:+44%2020%207946%200958", None),
    ("tel:(555)%20010.0100;ext=12", None),
    ("tel:*21#", None),
])
def test_tel(ref, problem):
    found = tel_problem(ref)
    assert (found is None) if problem is None else (problem in found), found
    if ref == "tel:1-800-FLOWERS":
        assert "1-800-3569377" in found


# -- the command line -----------------------------------------------------------------------
def qa(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_end_to_end(server, tmp_path):
    ok = server.route("/ok", Reply(200))
    busy = server.route("/busy", Reply(429, {"Retry-After": "1"}), Reply(200))
    site = page(tmp_path, ok, busy)
    r = qa("check", site, "--check-external", "--no-progress", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr       # 429 then 200: no false failure
    assert len(server.hits("/busy")) == 2
    gone = server.route("/gone", Reply(404))
    private = server.route("/private", Reply(404))
    site = page(tmp_path, ok, gone, private, name="more.html")
    r = qa("check", site, "--check-external", "--exclude-url", "/private$", "--progress",
           cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f'error external-link link to "{gone}" is broken (HTTP 404 Not Found)' in r.stdout
    assert "private" not in r.stdout and server.hits("/private") == []
    assert "qa: external links 3/3" in r.stderr         # /ok and /busy from the cache
    assert len(server.hits("/ok")) == 1
    # --external-max-age 0: asked again
    r = qa("check", site, "--check-external", "--external-max-age", "0", "--no-progress",
           cwd=tmp_path)
    assert len(server.hits("/ok")) == 2
    # without the flag: no request at all
    before = len(server.log)
    r = qa("check", site, "--no-progress", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0 and len(server.log) == before


@pytest.mark.parametrize("flag", [["--exclude-url", "(x"], ["--external-max-age", "soon"]])
def test_cli_bad_external_flags_exit_2(flag, tmp_path):
    site = page(tmp_path, "https://example.org/")
    r = qa("check", site, "--check-external", *flag, cwd=tmp_path)
    assert r.returncode == 2 and flag[0] in r.stderr


def test_a_remote_base_makes_relative_links_external(server, tmp_path, fast):
    server.route("/docs/gone", Reply(404))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><base href="{server.url("/docs/")}">'
        '<title>Base</title></head><main><h1>Base</h1>\n<p><a href="gone">Gone</a></p>'
        "</main></html>", "utf-8")
    found, _ = check(site)
    assert [(f.subject, f.line) for f in found] == [(server.url("/docs/gone"), 2)]
