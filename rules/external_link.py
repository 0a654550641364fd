"""A link to another website that is broken, or an email or phone link that cannot work.

With `--check-external` (or `enabled = true` in `[external]`), every link, image, script
and stylesheet on another site (http and https) is requested once per run, however many
pages link to it: an answer that the page is gone (404, 410, another 4xx, a redirect
loop) is an error; a server that is down or busy (5xx, 429 after retries) and a network
failure (a timeout, a host not found, a TLS problem, a reset connection) are warnings
that say what happened, because someone else's site being down is no fault of this one.
`[external] status` and `hosts` change what an answer counts as (`403 = "warning"` for
sites that block robots), `exclude` (`--exclude-url`) skips URLs, and with `fragments =
true` a `#fragment` the linked page lacks is a warning. Findings that share a URL share
a cause, so 1,000 links to one dead page are one problem in the reports.

Email (`mailto:`) and phone (`tel:`) links are checked on every run, offline: a
`mailto:` with no address, a space in an address or an address that is not one
(`jane@example`, `jane(at)example.org`), and a `tel:` with letters or no digits to dial.
A `mailto:?subject=...&body=...` with no address is a "share by email" link, and fine.

Bad:
    <!doctype html><html lang="en"><title>Contact</title><main><h1>Contact</h1>
    <p><a href="mailto:jane doe@example.org">Email Jane</a> or
    <a href="tel:1-800-FLOWERS">call us</a>.</p></main></html>
Good:
    <!doctype html><html lang="en"><title>Contact</title><main><h1>Contact</h1>
    <p><a href="mailto:jane.doe@example.org">Email Jane</a> or
    <a href="tel:+1-800-356-9377">call us</a>; see also
    <a href="https://example.org/">our partner</a>.</p></main></html>
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from qa.external import needs_ids, page_url
from qa.findings import Finding
from qa.names import shorten
from qa.sources import clean, document_base, load
from qa.links import links as links_of

ID = "external-link"
SCOPE = "site"
SEVERITY = "error"
TAGS = ("best-practice",)
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("A link to another site that leads to an error page is a dead end for visitors, and "
       "an email or phone link that is mistyped opens nothing, or a message to nobody.")
FIX = ("Update the address to where the page is now (the site may have moved it), link to "
       "an archived copy, or remove the link. Write email addresses as name@example.org "
       "and phone numbers in digits, with + and the country code.")
HELP_URL = "https://www.w3.org/Provider/Style/URI"

_MAILTO_TAGS = ("a", "area")


def collect(page, conf) -> dict:
    """This page's external links (their place among the page's references, for placing
    a finding later), when the run checks them, and its email and phone links' findings,
    settled here."""
    table: dict = {"path": page.path, "url": page.url, "links": [], "findings": []}
    base = document_base(page)
    remote = _remote_base(page) if base is None else None
    if base is None and remote is None:
        return table
    for n, link in enumerate(links_of(page)):
        el, noun, ref = link.el, link.noun, link.ref
        scheme = ref.split(":", 1)[0].lower() if ":" in ref else ""
        if scheme in ("mailto", "tel"):
            if el.tag.lower() in _MAILTO_TAGS:
                problem = mailto_problem(ref) if scheme == "mailto" else tel_problem(ref)
                if problem:
                    what = "email link" if scheme == "mailto" else "phone link"
                    table["findings"].append(page.finding(
                        el, f'{what} "{shorten(ref, 100)}" {problem}', subject=ref))
            continue
        if page.site is None or not page.site.checks_external:
            continue                           # recorded only to be checked (--check-external)
        if remote is not None:                 # <base href="https://...">: all of it is
            url = urljoin(remote, ref)         # on the other site
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                continue
        else:
            if link.target is None or link.target.kind != "external":
                continue
            url = ref
        url = _with_scheme(url)
        fragment = unquote(url.split("#", 1)[1]) if "#" in url else None
        table["links"].append({"n": n, "ref": ref, "url": url, "fragment": fragment,
                               "noun": noun})
    return table


def _remote_base(page) -> str | None:
    """The `<base href>` of a page whose links all point at another site, if it is one."""
    if page.site is None or "://" in page.url:
        return None
    href = next((clean(b.get("href")) for b in page.elements("base")
                 if b.get("href") is not None), "")
    return _with_scheme(href) if re.match(r"(?i)(https?:)?//", href) else None


def _with_scheme(url: str) -> str:
    return "https:" + url if url.startswith("//") else url


def check_site(site, tables, conf):
    """The mailto/tel findings of every page, and (when external links were checked)
    a finding for each external link whose result is a problem."""
    run = getattr(site, "external", None)
    for table in tables.values():
        yield from table["findings"]
        if run is None:
            continue
        refs = None
        for link in table["links"]:
            result = run.results.get(page_url(link["url"]))
            if result is None:                  # excluded
                continue
            verdict = _verdict(link, result, run.options)
            if verdict is None:
                continue
            severity, message, cause, subject = verdict
            data = {"url": link["url"], "status": result.status, "error": result.error,
                    "final_url": result.final_url,
                    "redirects": [list(h) for h in result.redirects]}
            if refs is None:                    # read the referring page again, once
                page = load(site.source(table["url"], table["path"]), site)
                refs = (page, links_of(page) if page.source else [])
            page, els = refs
            n = link["n"]
            if n < len(els) and els[n].ref == link["ref"]:
                yield page.finding(els[n].el, message, severity=severity, cause=cause,
                                   subject=subject, data=data)
            else:                               # the page changed since: no element to show
                yield Finding("", severity, table["path"], None, None, message, cause=cause,
                              subject=subject, data=data)


def _verdict(link: dict, result, options):
    """(severity ceiling, message, cause, subject) for a result that is a problem, or
    None. The config's status policy has the last word ("ignore": no finding)."""
    url = page_url(link["url"])
    shown = shorten(link["url"], 100)
    noun = link["noun"]
    policy = options.policy(url, result)
    if policy == "ignore":
        return None
    status = result.status
    if result.error:
        severity = "error" if result.error == "too-many-redirects" else "warning"
        if result.error == "too-many-redirects":
            message = f'{noun} "{shown}" {result.message}'
        else:
            message = f'{noun} "{shown}" could not be checked: {result.message}'
        host = urlsplit(url).hostname or url
        cause = (f'{result.error} at "{host}"' if result.error in ("dns", "tls", "refused")
                 else f'{result.error} at "{shorten(url, 100)}"')
        subject = url
    elif status is not None and 400 <= status < 500 and status != 429:
        severity = "error"
        message = f'{noun} "{shown}" is broken ({result.message})'
        cause, subject = f'HTTP {status} at "{shorten(url, 100)}"', url
    elif status == 429 or status is not None and status >= 500:
        severity = "warning"
        tries = f" after {result.attempts} attempts" if result.attempts > 1 else ""
        what = "is busy or limits robots" if status == 429 else "may be down for now"
        message = f'{noun} "{shown}": the server answered {result.message}{tries}; it {what}'
        cause, subject = f'HTTP {status} at "{shorten(url, 100)}"', url
    elif status is not None and 200 <= status < 300 and options.fragments and \
            needs_ids(link["fragment"]) and result.fragment_ids is not None and \
            link["fragment"] not in result.fragment_ids and \
            link["url"].split("#", 1)[1] not in result.fragment_ids:
        severity = "warning"
        frag = shorten(link["fragment"])
        message = f'{noun} "{shown}": fragment "#{frag}" not found in that page'
        cause, subject = f'missing fragment "#{frag}" in "{shorten(url, 100)}"', link["url"]
    else:
        return None
    if policy in ("error", "warning", "info"):
        severity = policy
    return severity, message, cause, subject


# -- mailto: and tel: -----------------------------------------------------------------
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010FFFF]"
_LOCAL = re.compile(rf'{_ATEXT}+(?:\.{_ATEXT}+)*|"(?:[^"\\]|\\.)*"')
_LABEL = r"(?:[A-Za-z0-9\u0080-\U0010FFFF](?:[A-Za-z0-9\-\u0080-\U0010FFFF]{0,61}[A-Za-z0-9\u0080-\U0010FFFF])?)"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+|\[[0-9A-Fa-f:.]+\]")
_ADDRESS_KEYS = ("to", "cc", "bcc")


def mailto_problem(ref: str) -> str | None:
    """What is wrong with a `mailto:` URL (RFC 6068), in words, or None. Addresses are
    checked against the common part of RFC 5322: dot-atoms or a quoted local part, and
    a domain with a dot (a bare `jane@example` reaches no one on the web)."""
    rest = ref.split(":", 1)[1]
    to, _, query = rest.partition("?")
    fields: dict[str, list[str]] = {}
    for pair in query.split("&") if query else ():
        k, _, v = pair.partition("=")
        fields.setdefault(unquote(k).lower(), []).append(v)
    addresses = [a for a in unquote(to).split(",")] if to else []
    for k in _ADDRESS_KEYS:
        addresses += [a for v in fields.get(k, []) for a in unquote(v).split(",")]
    if not any(a.strip() for a in addresses):
        if "subject" in fields or "body" in fields:
            return None                 # "share by email": the visitor picks the address
        return "has no address"
    for a in addresses:
        if not a.strip():
            continue
        if re.search(r"\s", re.sub(r'"(?:[^"\\]|\\.)*"', "", a.strip())):
            return f'has a space in the address "{a.strip()}"'
        problem = address_problem(a.strip())
        if problem:
            return f'has "{a.strip()}", which is not an email address ({problem})'
    return None


def address_problem(address: str) -> str | None:
    local, at, domain = address.rpartition("@")
    if not at:
        return "it has no @"
    if not local:
        return "nothing before the @"
    if not _LOCAL.fullmatch(local):
        return "the part before the @ has characters an address cannot have"
    if not domain:
        return "nothing after the @"
    if not _DOMAIN.fullmatch(domain):
        return "the part after the @ must be a domain such as example.org"
    return None


_KEYPAD = {c: d for d, letters in {"2": "abc", "3": "def", "4": "ghi", "5": "jkl", "6": "mno",
                                  "7": "pqrs", "8": "tuv", "9": "wxyz"}.items() for c in letters}


def tel_problem(ref: str) -> str | None:
    """What is wrong with a `tel:` URL (RFC 3966), in words, or None: digits, `+` first,
    the visual separators `-.()` and spaces, `*#`, and `;ext=`-style parameters."""
    number, _, params = unquote(ref.split(":", 1)[1]).partition(";")
    digits = re.sub(r"\D", "", number)
    if re.search(r"[A-Za-z]", number):
        dialled = "".join(_KEYPAD.get(c.lower(), c) for c in number.strip())
        return f"has letters, which phones do not dial: write it in digits ({dialled})"
    if not digits:
        return "has no number to dial"
    if "+" in number.strip()[1:]:
        return "has a + that is not at the start"
    if re.search(r"[^0-9+\-.() *#]", number):
        bad = re.search(r"[^0-9+\-.() *#]", number).group()      # type: ignore[union-attr]
        return f'has "{bad}", which is not part of a phone number'
    for p in params.split(";") if params else ():
        k, _, v = p.partition("=")
        if k.strip().lower() == "ext" and not re.fullmatch(r"[0-9\-.()]+", v.strip()):
            return f'has an extension "{v}" that is not digits'
    return None
