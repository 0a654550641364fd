"""Running sites: `qa check http://...` crawls real HTTP servers on 127.0.0.1. Each fault
a server can have costs a finding (or a note), never the run."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.config import Config, crawl_table
from qa.runner import UsageError, run
import http_sites as hs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_pages"


def qa(*args, env=None, timeout=120):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def crawl_config(**crawl) -> Config:
    cfg = Config.default()
    cfg.crawl = crawl_table({k.replace("_", "-"): v for k, v in crawl.items()})
    return cfg


def by_rule(report, rule):
    return [f for f in report.findings if f.rule == rule]


def sitemap_for(folder: Path, base: str) -> bytes:
    urls = "".join(f"<url><loc>{base}/{p.relative_to(folder).as_posix()}</loc></url>"
                   for p in sorted(folder.rglob("*.html")))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>').encode()


# -- the same findings as the folder -------------------------------------------------------

def _key(f, base=""):
    page = f.path[len(base):].lstrip("/") if base else f.path
    message = f.message
    if f.rule == "broken-link":        # "does not exist" for a file, the HTTP answer here
        message = re.sub(r" (does not exist|is broken \(.*\))$", " <broken>", message)
    return (page, f.line, f.column, f.rule, f.severity, message)


def test_a_crawl_of_the_sample_site_gives_the_findings_of_its_folder(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site)
    with hs.serve(site) as server:
        # one page (services/maternity.html) no other page links to: the sitemap names it
        (site / "sitemap.xml").write_bytes(sitemap_for(site, server.url))
        crawled = run([server.url + "/"], crawl_config(sitemaps=[server.url + "/sitemap.xml"]))
    folder = run([str(site)])
    want = {_key(f, str(site)) for f in folder.findings}
    got = {_key(f, server.url) for f in crawled.findings}
    assert got == want
    assert {p.url for p in crawled.pages} == {p.url for p in folder.pages}
    assert all(p.fetch and p.fetch["status"] == 200 for p in crawled.pages)
    assert crawled.meta["site_root"] == server.url


def test_the_sample_site_crawled_without_a_sitemap_reaches_every_linked_page():
    with hs.serve(SAMPLE) as server:
        report = run([server.url + "/"], crawl_config())
    pages = {p.url for p in report.pages}
    assert "index.html" in pages and "news/cancer-trial.html" in pages
    assert "services/maternity.html" not in pages          # linked from nowhere
    # "/" and "index.html" are one page, checked once
    assert "/" not in pages and any("checked once" in n for n in report.meta["notes"])
    broken = by_rule(report, "broken-link")
    assert [(f.message, f.cause) for f in broken] == [
        ('link to "services/radiology.html" is broken (HTTP 404 File not found)',
         f'HTTP 404 at "{server.url}/services/radiology.html"')]


# -- faults, each a finding ----------------------------------------------------------------

def fault_site():
    links = {"slow": "/slow.html", "limited": "/limited.html", "error": "/error.html",
             "loop": "/loop-a.html", "chain": "/chain-1.html", "reset": "/reset.html",
             "huge": "/huge.html", "bomb": "/bomb.html", "plain": "/plain.html",
             "binary": "/photo.html", "gone": "/gone.html", "frag": "/target.html#nowhere",
             "frag-ok": "/target.html#here"}
    body = "".join(f'<p><a href="{href}">{name} page</a></p>' for name, href in links.items())
    routes = {
        "/": hs.page(hs.html("Home", body)),
        "/slow.html": hs.slow(3),
        "/limited.html": hs.then(hs.page("", 429, headers={"Retry-After": "1"}),
                                 hs.page(hs.html("Limited", "<p>fine now</p>"))),
        "/error.html": hs.page("<p>oops</p>", 500),
        "/loop-a.html": hs.redirect("/loop-b.html"),
        "/loop-b.html": hs.redirect("/loop-a.html"),
        "/chain-1.html": hs.redirect("/chain-2.html"),
        "/chain-2.html": hs.redirect("/chain-3.html"),
        "/chain-3.html": hs.page(hs.html("Chained", "<p>here at last</p>")),
        "/reset.html": hs.reset,
        "/huge.html": hs.huge(12),
        "/bomb.html": hs.gzip_bomb(100),
        "/plain.html": hs.page(hs.html("Plain", "<p>served as text</p>"), ctype="text/plain"),
        "/photo.html": hs.page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000, ctype="text/html"),
        "/gone.html": hs.page("", 410),
        "/target.html": hs.page(hs.html("Target", '<h2 id="here">Here</h2>')),
    }
    return routes


def test_every_fault_of_a_server_is_a_finding_and_the_run_goes_on():
    with hs.serve(routes=fault_site()) as server:
        started = time.monotonic()
        report = run([server.url + "/"], crawl_config(timeout=1, retries=1))
        took = time.monotonic() - started
    u = server.url
    broken = {f.subject: f for f in by_rule(report, "broken-link")}
    assert broken["/slow.html"].severity == "warning"
    assert "timed out after 1 s" in broken["/slow.html"].message
    assert "/limited.html" not in broken                  # 429 then 200: no false failure
    assert broken["/error.html"].severity == "error"
    assert "HTTP 500" in broken["/error.html"].message
    assert broken["/loop-a.html"].severity == "error"
    assert "redirects in a loop" in broken["/loop-a.html"].message
    assert broken["/chain-1.html"].severity == "warning"
    assert "goes through 2 redirects" in broken["/chain-1.html"].message
    assert broken["/reset.html"].severity == "warning"
    assert "connection reset" in broken["/reset.html"].message
    assert broken["/gone.html"].severity == "error" and "HTTP 410" in broken["/gone.html"].message
    assert "/huge.html" not in broken and "/bomb.html" not in broken     # they are there...
    assert "/plain.html" not in broken and "/photo.html" not in broken
    loads = {f.path: f.message for f in by_rule(report, "load-error")}
    assert "over the 10 MiB limit" in loads[f"{u}/huge.html"]          # ...but not checked
    assert "once decompressed" in loads[f"{u}/bomb.html"]
    assert "binary" in loads[f"{u}/photo.html"]
    assert f"{u}/plain.html" not in {p.path for p in report.pages}     # text/plain: no page
    assert any("not HTML" in n and "text/plain" in n for n in report.meta["notes"])
    anchors = [f.message for f in by_rule(report, "broken-anchor")]
    assert anchors == ['fragment "#nowhere" not found in "target.html"']
    assert took < 30


def test_a_start_page_that_fails_is_a_finding_not_a_crash():
    with hs.serve(routes={"/": hs.page("<p>down</p>", 503)}) as server:
        report = run([server.url + "/"], crawl_config(retries=0))
    [f] = report.findings
    assert f.rule == "load-error" and "HTTP 503" in f.message and f.path == server.url + "/"


def test_nothing_listening_is_a_load_error():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    report = run([f"http://127.0.0.1:{port}/"], crawl_config(retries=0))
    [f] = report.findings
    assert f.rule == "load-error" and "connection refused" in f.message


def test_a_huge_page_without_content_length_stops_at_the_limit():
    with hs.serve(routes={"/": hs.huge(30, announce=False)}) as server:
        report = run([server.url + "/"], crawl_config())
    [f] = report.findings
    assert f.rule == "load-error" and "over the 10 MiB limit" in f.message


# -- what is crawled -----------------------------------------------------------------------

def test_robots_txt_is_honoured_unless_ignored():
    routes = {
        "/": hs.page(hs.html("Home", '<a href="/private/a.html">Staff</a> <a href="/open.html">Open</a>')),
        "/robots.txt": hs.page("User-agent: *\nDisallow: /private/\n", ctype="text/plain"),
        "/private/a.html": hs.page(hs.html("Staff", "<p>x</p>")),
        "/open.html": hs.page(hs.html("Open", "<p>x</p>")),
    }
    with hs.serve(routes=routes) as server:
        report = run([server.url + "/"], crawl_config())
        assert "/private/a.html" not in server.paths() and "/open.html" in server.paths()
    assert any("robots.txt disallows" in n for n in report.meta["notes"])
    assert not by_rule(report, "broken-link")
    with hs.serve(routes=routes) as server:
        report = run([server.url + "/"], crawl_config(ignore_robots=True))
        assert "/private/a.html" in server.paths() and "/robots.txt" not in server.paths()
    assert "private/a.html" in {p.url for p in report.pages}


def test_an_endless_calendar_ends():
    def month(h):
        n = int(h.path.split("=")[1]) if "=" in h.path else 0
        h.send(200, hs.html(f"Month {n}", f'<a href="/cal?m={n + 1}">Next month</a>').encode())
    with hs.serve(routes={"/cal": month}) as server:
        report = run([server.url + "/cal"], crawl_config(max_query_variants=20))
    assert 20 <= len(report.pages) <= 21
    assert any("max-query-variants" in n for n in report.meta["notes"])


def test_max_pages_and_max_depth():
    def deep(h):
        n = int(h.path.strip("/").split(".")[0] or 0)
        h.send(200, hs.html(f"Page {n}", f'<a href="/{n + 1}.html">Next</a>'
                                         f'<a href="/{n + 1}.html?utm_source=x">Next again</a>').encode())
    with hs.serve(routes={f"/{i}.html": deep for i in range(100)} | {"/": deep}) as server:
        report = run([server.url + "/"], crawl_config(max_pages=5))
        assert len(report.pages) == 5
        assert any("max-pages" in n for n in report.meta["notes"])
        # utm_* parameters are not a page of their own
        assert not any("utm_source" in p for p in server.paths())
        report = run([server.url + "/"], crawl_config(max_depth=2))
    assert sorted(p.url for p in report.pages) == ["/", "1.html", "2.html"]


def test_base_href_and_the_content_type_charset_are_respected():
    body = hs.html("Café", '<a href="b.html">B</a><h2>Café</h2><h2>Café</h2>')
    routes = {
        "/": hs.page(body.replace('<meta charset="utf-8">', '<base href="/docs/">')
                     .encode("latin-1"), ctype="text/html; charset=iso-8859-1"),
        "/docs/b.html": hs.page(hs.html("B", "<p>b</p>")),
    }
    with hs.serve(routes=routes) as server:
        report = run([server.url + "/"], crawl_config())
        assert "/docs/b.html" in server.paths() and "/b.html" not in server.paths()
    assert not by_rule(report, "broken-link")
    dups = by_rule(report, "duplicate-heading")
    assert dups and all('"Café"' in f.message for f in dups)    # read as iso-8859-1


def test_a_generated_site_of_a_few_thousand_pages():
    n = 2000

    def page(h):
        i = int(h.path.strip("/").split(".")[0] or 0)
        links = "".join(f'<li><a href="/{j}.html">Page {j}</a></li>'
                        for j in (2 * i + 1, 2 * i + 2) if j < n)
        missing = '<li><a href="/missing.html">Gone</a></li>' if i % 500 == 7 else ""
        h.send(200, hs.html(f"Page {i}", f"<ul>{links}{missing}</ul>").encode())
    with hs.serve(routes={"/": page} | {f"/{i}.html": page for i in range(1, n)}) as server:
        started = time.monotonic()
        report = run([server.url + "/"], crawl_config(per_host=16))
        took = time.monotonic() - started
    assert len(report.pages) == n
    broken = by_rule(report, "broken-link")
    assert len(broken) == 4 and {f.cause for f in broken} == {f'HTTP 404 at "{server.url}/missing.html"'}
    assert took < 120


def test_a_sitemap_index_lists_the_pages(tmp_path):
    routes = {
        "/sitemap.xml": hs.page(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                b"<sitemap><loc>URL/a.xml.gz</loc></sitemap>"
                                b"<sitemap><loc>URL/b.xml</loc></sitemap></sitemapindex>", ctype="application/xml"),
        "/one.html": hs.page(hs.html("One", "<p>1</p>")),
        "/two.html": hs.page(hs.html("Two", '<a href="/three.html">3</a>')),
        "/three.html": hs.page(hs.html("Three", "<p>3</p>")),
    }
    with hs.serve(routes=routes) as server:
        idx = routes["/sitemap.xml"]
        body = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                b"<sitemap><loc>URL/a.xml.gz</loc></sitemap><sitemap><loc>URL/b.xml</loc>"
                b"</sitemap></sitemapindex>").replace(b"URL", server.url.encode())
        server.cls.routes["/sitemap.xml"] = hs.page(body, ctype="application/xml")
        urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{}</loc></url></urlset>'
        server.cls.routes["/a.xml.gz"] = hs.page(hs.gz(urlset.format(server.url + "/one.html").encode()),
                                                 ctype="application/gzip")
        server.cls.routes["/b.xml"] = hs.page(urlset.format(server.url + "/two.html"), ctype="application/xml")
        del idx
        report = run([], crawl_config(sitemaps=[server.url + "/sitemap.xml"]))
        assert "/three.html" in server.paths()         # linked: checked that it answers
    assert sorted(p.url for p in report.pages) == ["one.html", "two.html"]
    assert not report.findings


def test_a_sitemap_file_and_a_bad_sitemap(tmp_path):
    with hs.serve(SAMPLE) as server:
        f = tmp_path / "sitemap.xml"
        f.write_bytes(sitemap_for(SAMPLE, server.url))
        report = run([], crawl_config(sitemaps=[str(f)]))
        assert len(report.pages) == 8
        f.write_bytes(b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>')
        with pytest.raises(UsageError, match="sitemap"):
            run([], crawl_config(sitemaps=[str(f)]))


# -- a login, and no secret in any output --------------------------------------------------

def test_a_site_behind_a_login_and_no_secret_in_any_report(tmp_path):
    secret, token, cookie = "s3cret-Pa55word", "tok-0123456789abcdef", "sess-fedcba9876543210"
    body = hs.html("Staff", '<a href="/rota.html">Rota</a> <a href="/missing.html">Old</a>')
    routes = {"/": hs.needs_login("nurse", secret, body),
              "/rota.html": hs.needs_login("nurse", secret, hs.html("Rota", "<p>x</p>"))}
    with hs.serve(routes=routes) as server:
        r = qa("check", server.url + "/", "--no-progress", "--format", "text")
        assert r.returncode == 1 and "HTTP 401" in r.stdout           # no login: said so
        out = tmp_path / "out"
        r = qa("check", server.url + "/", "--auth-env", "QA_TEST_LOGIN", "--header",
               f"X-Token: {token}", "--cookie", f"session={cookie}", "--progress",
               "--out-dir", out, "--format", "text,json,html,sarif,junit,github,gitlab",
               env={"QA_TEST_LOGIN": f"nurse:{secret}"})
        sent = [h for m, p, h in server.requests if p == "/rota.html"][-1]
    assert r.returncode == 1, r.stderr
    assert sent.get("X-Token") == token and f"session={cookie}" in sent.get("Cookie", "")
    report = json.loads((out / "report.json").read_text())
    assert {p["url"] for p in report["pages"]} == {"/", "rota.html"}
    assert [f["message"] for f in report["findings"]] == [
        'link to "/missing.html" is broken (HTTP 404 File not found)']
    texts = [r.stdout, r.stderr] + [p.read_text() for p in out.iterdir()]
    for text in texts:
        for s in (secret, token, cookie):
            assert s not in text


def test_credentials_go_only_to_the_site():
    with hs.serve(routes={"/x": hs.page(hs.html("X", "<p>x</p>"))}) as other:
        routes = {"/": hs.redirect(other.url + "/x", 302)}
        with hs.serve(routes=routes) as server:
            r = qa("check", server.url + "/", "--header", "Authorization: Bearer zzzz-secret",
                   "--no-progress")
        assert not other.requests            # a redirect off the site is not followed
    assert r.returncode == 2 and "no HTML page answered" in r.stderr


# -- the command line ----------------------------------------------------------------------

def test_urls_and_folders_are_not_mixed_and_bad_flags_exit_2():
    r = qa("check", "http://127.0.0.1:9/", str(SAMPLE))
    assert r.returncode == 2 and "not both" in r.stderr
    for flag, value, named in (("--max-pages", "0", "--max-pages"), ("--timeout", "nan", "--timeout"),
                               ("--max-depth", "-1", "--max-depth"), ("--per-host", "0", "--per-host"),
                               ("--crawl-exclude", "(", "--exclude"),
                               ("--header", "no colon", "--header"), ("--auth-env", "QA_NOT_SET_X", "--auth-env")):
        r = qa("check", "http://127.0.0.1:9/", flag, value)
        assert r.returncode == 2 and named in r.stderr, (flag, r.stderr)
    r = qa("check")
    assert r.returncode == 2
    r = qa("check", "http://127.0.0.1:9/", "--changed-since", "HEAD")
    assert r.returncode == 2 and "--changed-since" in r.stderr


def test_crawl_config_keys_are_checked(tmp_path):
    cfg = tmp_path / "qa.toml"
    for text, key in (("[crawl]\nmax-pages = 0\n", "crawl.max-pages"),
                      ('[crawl]\nquery = "maybe"\n', "crawl.query"),
                      ("[crawl]\nspeed = 3\n", "crawl.speed")):
        cfg.write_text(text)
        r = qa("check", "http://127.0.0.1:9/", "--config", cfg)
        assert r.returncode == 2 and key in r.stderr, r.stderr


def test_the_html_report_links_each_page(tmp_path):
    with hs.serve(SAMPLE) as server:
        r = qa("check", server.url + "/", "--no-progress", "--format", "html", "-o", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert f'<a href="{server.url}/news/cancer-trial.html">' in html


# -- the browser on live pages -------------------------------------------------------------

LIVE = {
    "/": hs.page(hs.html("Home", '<p><a href="#later">Later</a> <a href="/other.html#made">Other</a></p>'
                         '<img src="/photo.png" alt="The new ward"><p style="color:#bbb">Visiting is open every day.</p>'
                         '<div id="slot"></div><script>'
                         "var h = document.createElement('h2'); h.id = 'later'; h.textContent = 'Later';"
                         "document.getElementById('slot').appendChild(h);</script>")),
    "/other.html": hs.page(hs.html("Other", '<div id="slot"></div><script>'
                                   "var h = document.createElement('h2'); h.id = 'made'; h.textContent = 'Made';"
                                   "document.getElementById('slot').appendChild(h);</script>")),
    "/photo.png": hs.page(b"\x89PNG\r\n\x1a\n", ctype="image/png"),
}


def live_check(remote_url=None):
    cfg = crawl_config()
    cfg.browser = {"enabled": True, **({"remote-url": remote_url} if remote_url else {})}
    with hs.serve(routes=LIVE) as server:
        report = run([server.url + "/"], cfg)
        agents = [h.get("User-Agent", "") for m, p, h in server.requests if p == "/other.html"]
    return server, report, agents


def assert_live(server, report, agents):
    anchors = by_rule(report, "broken-anchor")
    assert len(anchors) == 2 and all(f.severity == "info" and "found only in the rendered page"
                                     in f.message for f in anchors)
    [low] = by_rule(report, "axe.color-contrast")           # placed on its source line
    assert low.path == server.url + "/" and low.line == 1 and low.snippet.startswith("<p")
    # the pages were loaded from the site itself, by the browser: no loopback copy
    assert any("HeadlessChrome" in a for a in agents) and any("qa-linter" in a for a in agents)


@pytest.mark.browser
def test_the_browser_runs_on_the_live_pages(need_browser):
    assert_live(*live_check())
