"""Configuration: `[tool.qa]` in pyproject.toml or a `qa.toml`, validated against what the
rules declare. A bad value is a `ConfigError` naming the key and the reason (exit 2)."""
from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rules
from qa.findings import SEVERITIES

BROWSER_KEYS = {"enabled": bool, "jobs": int, "chrome": str, "chromedriver": str,
                "timeout": (int, float), "axe-script": str, "remote-url": str,
                "tags": list, "rules": dict}
CRAWL_KEYS = {"max-pages": int, "max-depth": int, "allow-hosts": list, "ignore-robots": bool,
              "per-host": int, "timeout": (int, float), "retries": int, "query": str,
              "ignore-params": list, "max-query-variants": int, "exclude": list,
              "sitemaps": list}
EXTERNAL_KEYS = {"enabled": bool, "max-age": (int, float, str), "timeout": (int, float),
                 "retries": int, "per-host": int, "concurrency": int, "rate": (int, float),
                 "fragments": bool, "exclude": list, "status": dict, "hosts": dict}
TOP_KEYS = {"crawl", "fail-on", "site-root", "exclude", "max-page-size", "page-timeout", "jobs", "rules",
            "select", "ignore",
            "overrides", "browser", "external"}
PREFIXES = ("axe",)          # families of rules named by prefix: "axe" covers "axe.*"


class ConfigError(Exception):
    def __init__(self, key: str, reason: str, source: str | None = None):
        self.key, self.reason, self.source = key, reason, source
        where = f" in {source}" if source else ""
        super().__init__(f'config error{where}: "{key}": {reason}')


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool = True
    severity: str | None = None             # None: the rule's default
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ignore:
    """`[[tool.qa.ignore]]`: findings of `rules` on pages matching `paths` (inside elements
    matching `selector`) are hidden, for a stated `reason`, until the `until` date; after
    it, the ignore stops hiding and says so."""
    index: int
    rules: tuple[str, ...]
    reason: str
    paths: tuple[str, ...] = ("*",)
    selector: str | None = None
    until: dt.date | None = None

    def active(self, today: dt.date) -> bool:
        return self.until is None or today <= self.until

    def covers(self, f) -> bool:
        """Rule and page (the element is for the caller to test, with `selector`)."""
        return any(f.rule == r or f.rule.startswith(r + ".") for r in self.rules) and \
            any(fnmatch.fnmatch(f.page or f.path, g) for g in self.paths)


@dataclass
class Config:
    fail_on: str = "error"
    site_root: str | None = None
    exclude: tuple[str, ...] = ()
    max_page_size: int = 10 * 1024 * 1024
    page_timeout: float = 60.0          # seconds the static rules may spend on one page
    jobs: int | None = None             # worker processes; None: the CPUs, on a big site
    browser: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    overrides: list[tuple[tuple[str, ...], dict[str, RuleSetting]]] = field(default_factory=list)
    source: str | None = None
    # ruff's words: run only the rules (or families, "axe") in `select`, none in `ignore`;
    # the engine's own (load-error...) always report
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    ignores: list[Ignore] = field(default_factory=list)
    cache_dir: str | None = None        # the incremental cache (the CLI: .qa-cache); None: off
    crawl: dict[str, Any] = field(default_factory=dict)    # [crawl]: checking a running site
    # [external]: links to other sites, checked over the network only when enabled
    # (--check-external); the keys as in the file, values checked (see _external)
    external: dict[str, Any] = field(default_factory=lambda: {"enabled": False})

    @classmethod
    def default(cls) -> "Config":
        return cls()

    # -- what applies to a page ----------------------------------------------------
    def setting(self, rule_id: str, url: str = "") -> RuleSetting:
        """The effective setting for a rule on a page: the most specific override glob
        wins over the base table; `axe.x` falls back to the `axe` family entry."""
        if not self.selected(rule_id):
            return RuleSetting(enabled=False)
        chain = [self.rules]
        matching = [(max(len(p) for p in pats if fnmatch.fnmatch(url, p)), table)
                    for pats, table in self.overrides if any(fnmatch.fnmatch(url, p) for p in pats)]
        chain += [t for _, t in sorted(matching, key=lambda x: x[0])]
        result = RuleSetting()
        for table in chain:
            for key in _family(rule_id):
                if key in table:
                    s = table[key]
                    result = RuleSetting(s.enabled, s.severity or result.severity,
                                         {**result.options, **s.options})
        return result

    def selected(self, rule_id: str) -> bool:
        """Do --select and --ignore leave this rule (or family) in the run?"""
        mod = rules.RULES.get(rule_id)
        if mod is not None and mod.SCOPE == "engine":
            return True
        def named(names) -> bool:    # the rule, its family, or (for a family) a member
            return any(n == rule_id or rule_id.startswith(n + ".") or n.startswith(rule_id + ".")
                       for n in names)
        if any(n == rule_id or rule_id.startswith(n + ".") for n in self.ignore):
            return False
        return self.select is None or named(self.select)

    def options(self, rule_id: str, url: str = "") -> dict[str, Any] | None:
        """A rule's options for a page (defaults filled in), or None when it is off."""
        s = self.setting(rule_id, url)
        if not s.enabled:
            return None
        mod = rules.RULES.get(rule_id)
        return {**(mod.DEFAULT if mod else {}), **s.options}

    def severity(self, rule_id: str, default: str, url: str = "") -> str:
        return self.setting(rule_id, url).severity or default


def _family(rule_id: str) -> list[str]:
    """Least to most specific names a setting for this rule may be filed under."""
    parts = rule_id.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


# -- loading -----------------------------------------------------------------------
def find_config(start: Path | None = None) -> Path | None:
    """qa.toml, or a pyproject.toml with [tool.qa], walking up from `start`."""
    d = (start or Path.cwd()).resolve()
    for folder in (d, *d.parents):
        if (folder / "qa.toml").is_file():
            return folder / "qa.toml"
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                doc = _parse(py)
            except OSError:
                continue
            # (not valid TOML: it may hold our settings, and running without them would
            # quietly change what gates; ruff stops here too)
            tool = doc.get("tool", {})
            if not isinstance(tool, dict):     # PEP 518: a table; ours may be meant in it
                raise ConfigError("tool", f"must be a table, got {tool!r}", str(py))
            if "qa" in tool:
                return py
    return None


def _parse(path: Path) -> dict[str, Any]:
    """A TOML file's document; ConfigError when it is not valid TOML (OSError as is)."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), f"is not valid TOML: {e}") from None
    except RecursionError:          # tomllib recurses once per level of nesting
        raise ConfigError(str(path), "is not valid TOML here: nested too deeply") from None


def load(path: str | Path | None = None, *, search: bool = True) -> Config:
    if path is None and search:
        path = find_config()
    if path is None:
        return Config()
    path = Path(path)
    try:
        doc = _parse(path)
    except OSError as e:
        raise ConfigError(str(path), f"cannot be read: {e.strerror or e}") from None
    if path.name == "pyproject.toml":
        tool = doc.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError("tool", f"must be a table, got {tool!r}", str(path))
        table = tool.get("qa", {})
    else:
        table = doc
    try:
        return from_dict(table, base=path.parent, source=str(path))
    except ConfigError as e:
        raise ConfigError(e.key, e.reason, str(path)) from None


def from_dict(table: dict[str, Any], base: Path | None = None, source: str | None = None) -> Config:
    if not isinstance(table, dict):
        raise ConfigError("tool.qa", "must be a table")
    for key in table:
        if key not in TOP_KEYS:
            raise ConfigError(key, f"unknown key; expected one of {', '.join(sorted(TOP_KEYS))}")
    cfg = Config(source=source)
    if "fail-on" in table:
        cfg.fail_on = _severity("fail-on", table["fail-on"])
    if "site-root" in table:
        root = _typed("site-root", table["site-root"], str)
        cfg.site_root = str((base / root) if base else Path(root))
    if "exclude" in table:
        cfg.exclude = tuple(_str_list("exclude", table["exclude"]))
    if "max-page-size" in table:
        cfg.max_page_size = _positive("max-page-size", table["max-page-size"])
    # `ignore` is two things, told apart by their shape: rule ids as ruff has them
    # (`ignore = ["heading-order"]`), or tables of findings hidden for a reason
    # (`[[tool.qa.ignore]]` with rules, paths, selector, reason, until)
    entries = _typed("ignore", table.get("ignore", []), list)
    if entries and all(isinstance(v, dict) for v in entries):
        cfg.ignores = [_ignore(i, v) for i, v in enumerate(entries)]
        table = {k: v for k, v in table.items() if k != "ignore"}
    elif any(isinstance(v, dict) for v in entries):
        raise ConfigError("ignore", "expected rule ids, or [[ignore]] tables, not both")
    for key in ("select", "ignore"):
        if key in table:
            names = tuple(check_rule_names(key, _str_list(key, table[key])))
            setattr(cfg, key, names)
    if "page-timeout" in table:
        cfg.page_timeout = seconds("page-timeout", table["page-timeout"])
    if "jobs" in table:
        cfg.jobs = jobs("jobs", table["jobs"])
    if "browser" in table:
        cfg.browser = _browser(table["browser"])
    if "crawl" in table:
        cfg.crawl = crawl_table(table["crawl"])
    if "external" in table:
        cfg.external = _external(table["external"])
    cfg.rules = _rules("rules", table.get("rules", {}))
    for i, ov in enumerate(_typed("overrides", table.get("overrides", []), list)):
        key = f"overrides[{i}]"
        ov = _typed(key, ov, dict)
        extra = set(ov) - {"paths", "rules"}
        if extra:
            raise ConfigError(f"{key}.{sorted(extra)[0]}", 'unknown key; expected "paths" or "rules"')
        if "paths" not in ov:
            raise ConfigError(f"{key}.paths", "is required: a list of globs")
        cfg.overrides.append((tuple(_str_list(f"{key}.paths", ov["paths"])),
                              _rules(f"{key}.rules", ov.get("rules", {}))))
    _check_axe_names(cfg)
    return cfg


def _check_axe_names(cfg: Config) -> None:
    """Every `axe.<id>` in [rules], the overrides and browser.rules must be a rule of the
    bundled axe-core, also on a run without --browser: a misspelt id would otherwise do
    nothing, silently. (With another axe build, `axe-script`, the browser run checks.)"""
    if cfg.browser.get("axe-script"):
        return
    named = [(f'rules."{r}"', r[4:]) for r in cfg.rules if r.startswith("axe.")]
    named += [(f'overrides[{i}].rules."{r}"', r[4:]) for i, (_, t) in enumerate(cfg.overrides)
              for r in t if r.startswith("axe.")]
    named += [(f'browser.rules."{r}"', r) for r in cfg.browser.get("rules") or {}]
    known = bundled_axe_rules() if named else frozenset()
    for key, rid in named:
        if known and rid not in known:
            raise ConfigError(key, f'unknown axe rule "{rid}" in {key} (not in the bundled '
                              "axe-core; see `qa rules`)")


@functools.cache
def bundled_axe_rules() -> frozenset[str]:
    """The rule ids of the axe-core build axe-selenium-python ships, read from its script
    (empty when it cannot be read: then the browser run checks the names)."""
    try:
        from axe_selenium_python import Axe
        text = Path(Axe(None).script_url).read_text("utf-8")
    except Exception:       # noqa: BLE001 - not installed, unreadable: no static check
        return frozenset()
    start = text.find('rules:[{id:"')
    end = text.find("checks:[{id:", start)
    section = text[start:end if end > start else len(text)] if start >= 0 else ""
    return frozenset(re.findall(r'\{id:"([a-z0-9-]+)",(?:impact|selector|matches|excludeHidden|'
                                r'enabled|pageLevel|tags|reviewOnFail)', section))


def _rules(key: str, table: Any) -> dict[str, RuleSetting]:
    out = {}
    for rid, value in _typed(key, table, dict).items():
        k = f"{key}.{rid}"
        mod = rules.RULES.get(rid)
        if mod is None and not (rid in PREFIXES or rid.split(".")[0] in PREFIXES and "." in rid):
            raise ConfigError(k, f'unknown rule "{rid}" (see `qa rules`)')
        if isinstance(value, bool):
            out[rid] = RuleSetting(enabled=value)
        elif isinstance(value, str):
            out[rid] = RuleSetting(severity=_severity(k, value))
        elif isinstance(value, dict):
            opts = dict(value)
            enabled = _typed(f"{k}.enabled", opts.pop("enabled", True), bool)
            sev = _severity(f"{k}.severity", opts.pop("severity")) if "severity" in opts else None
            conf = getattr(mod, "CONF", {}) if mod else {}
            for name, v in opts.items():
                if name not in conf:
                    known = ", ".join(sorted(conf)) or "none"
                    raise ConfigError(f"{k}.{name}", f'unknown option "{name}" for rule "{rid}" '
                                      f"(options: severity, enabled, {known})")
                _typed(f"{k}.{name}", v, conf[name])
            if hasattr(mod, "validate"):        # what a type cannot say (patterns, ranges)
                try:
                    mod.validate({**mod.DEFAULT, **opts})
                except ValueError as e:
                    raise ConfigError(k, str(e)) from None
            out[rid] = RuleSetting(enabled, sev, opts)
        else:
            raise ConfigError(k, "expected true/false, a severity, or a table of options")
    return out


def _browser(value: Any) -> dict[str, Any]:
    table = _typed("browser", value, dict)
    for k, v in table.items():
        if k not in BROWSER_KEYS:
            raise ConfigError(f"browser.{k}", f"unknown key; expected one of {', '.join(sorted(BROWSER_KEYS))}")
        _typed(f"browser.{k}", v, BROWSER_KEYS[k])
    if "jobs" in table:
        jobs("browser.jobs", table["jobs"])
    if "timeout" in table:
        seconds("browser.timeout", table["timeout"])
    return {"enabled": False, **table}


def crawl_table(value: Any, where: str = "crawl") -> dict[str, Any]:
    """The [crawl] table (the CLI's crawl flags go through here too, named as flags)."""
    import re as _re
    table = _typed(where, value, dict)
    for k, v in table.items():
        if k not in CRAWL_KEYS:
            raise ConfigError(f"{where}.{k}", f"unknown key; expected one of {', '.join(sorted(CRAWL_KEYS))}")
        _typed(f"{where}.{k}", v, CRAWL_KEYS[k])
    for k in ("max-pages", "per-host", "max-query-variants"):
        if k in table:
            _positive(f"{where}.{k}", table[k])
            if table[k] > 10_000_000:
                raise ConfigError(f"{where}.{k}", f"at most 10000000, got {table[k]}")
    for k in ("max-depth", "retries"):
        if k in table and not 0 <= table[k] <= 1000:
            raise ConfigError(f"{where}.{k}", f"expected 0 to 1000, got {table[k]}")
    if "timeout" in table:
        table["timeout"] = seconds(f"{where}.timeout", table["timeout"])
        if table["timeout"] <= 0:
            raise ConfigError(f"{where}.timeout", "must be more than 0 seconds")
    if table.get("query", "keep") not in ("keep", "drop"):
        raise ConfigError(f"{where}.query", f'expected "keep" or "drop", got {table["query"]!r}')
    for k in ("allow-hosts", "ignore-params", "exclude", "sitemaps"):
        if k in table:
            _str_list(f"{where}.{k}", table[k])
    for x in table.get("exclude", ()):
        try:
            _re.compile(x)
        except _re.error as e:
            raise ConfigError(f"{where}.exclude", f"not a regular expression: {x!r} ({e})") from None
    return table

def _external(value: Any) -> dict[str, Any]:
    """`[external]`: every value checked here, so a typo is exit 2 before any request."""
    table = _typed("external", value, dict)
    out: dict[str, Any] = {"enabled": False}
    for k, v in table.items():
        key = f"external.{k}"
        if k not in EXTERNAL_KEYS:
            raise ConfigError(key, f"unknown key; expected one of {', '.join(sorted(EXTERNAL_KEYS))}")
        _typed(key, v, EXTERNAL_KEYS[k])
        if k == "max-age":
            v = duration(key, v)
        elif k == "timeout":
            v = seconds(key, v)
        elif k == "retries":
            v = _whole(key, v, 0, 10)
        elif k == "per-host":
            v = _whole(key, v, 1, 64)
        elif k == "concurrency":
            v = _whole(key, v, 1, MAX_JOBS)
        elif k == "rate":
            if not 0 < v <= 1000:
                raise ConfigError(key, f"expected requests per second per host, above 0 and "
                                  f"at most 1000, got {v!r}")
            v = float(v)
        elif k == "exclude":
            v = [url_pattern(f"{key}[{i}]", p) for i, p in enumerate(_str_list(key, v))]
        elif k == "status":
            v = status_policy(key, v)
        elif k == "hosts":
            hosts = {}
            for host, entry in v.items():
                hkey = f'{key}."{host}"'
                entry = _typed(hkey, entry, dict)
                extra = sorted(set(entry) - {"status"})
                if extra:
                    raise ConfigError(f"{hkey}.{extra[0]}", 'unknown key; expected "status"')
                hosts[host.strip().lower().rstrip(".")] = {
                    "status": status_policy(f"{hkey}.status", entry.get("status", {}))}
            v = hosts
        out[k] = v
    return out


URL_POLICIES = ("error", "warning", "info", "ignore")
# what a status policy may name besides a code (403) or a class (4xx): the network
# failures qa.external tells apart
FAILURE_KINDS = ("timeout", "dns", "tls", "reset", "refused", "too-many-redirects", "other")


def status_policy(key: str, value: Any) -> dict[str, str]:
    """`{403 = "warning", "5xx" = "ignore", timeout = "ignore"}`: what a final status (or
    a network failure) of an external link counts as."""
    out = {}
    for code, what in _typed(key, value, dict).items():
        name = str(code).strip().lower()
        if not (re.fullmatch(r"[1-5][0-9][0-9]|[1-5]xx", name) or name in FAILURE_KINDS):
            raise ConfigError(f"{key}.{code}", "expected an HTTP status (403), a class (5xx) or "
                              f"one of {', '.join(FAILURE_KINDS)}")
        if what not in URL_POLICIES:
            raise ConfigError(f"{key}.{code}", f"expected one of {', '.join(URL_POLICIES)}, "
                              f"got {what!r}")
        out[name] = what
    return out


def url_pattern(key: str, value: Any) -> str:
    """A regular expression searched for in each external URL (--exclude-url)."""
    _typed(key, value, str)
    try:
        re.compile(value)
    except re.error as e:
        raise ConfigError(key, f"not a regular expression: {e} in {value!r}") from None
    return value


_DURATION = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smhd]?)\s*", re.I)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_AGE = 366 * 86400


def duration(key: str, value: Any) -> float:
    """Seconds (a number, 0 or more), or a duration such as "30m", "12h", "7d"."""
    m = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if m:
        value = float(m.group(1)) * _UNIT[m.group(2).lower()]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_AGE:
        raise ConfigError(key, 'expected seconds or a duration such as "30m", "12h", "7d" '
                          f"(at most 366 days), got {value!r}")
    return float(value)


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(key, f"expected a whole number from {low} to {high}, got {value!r}")
    return value


_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number",
               str: "a string", list: "a list", dict: "a table"}


def _typed(key: str, value: Any, types) -> Any:
    types = types if isinstance(types, tuple) else (types,)
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if ok and isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(key, f"expected a finite number, got {value!r}")
    if not ok:
        want = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise ConfigError(key, f"expected {want}, got {value!r}")
    return value


def _severity(key: str, value: Any) -> str:
    if value not in SEVERITIES:
        raise ConfigError(key, f"expected one of {', '.join(SEVERITIES)}, got {value!r}")
    return value


MAX_JOBS = 256                  # worker processes or browser sessions: beyond any machine
MAX_SECONDS = 24 * 3600         # a time limit longer than a day is a typo (and overflows
                                # the browser driver's own timers)


_IGNORE_KEYS = {"rules", "paths", "selector", "reason", "until"}


def _ignore(i: int, value: Any) -> Ignore:
    key = f"ignore[{i}]"
    table = _typed(key, value, dict)
    extra = sorted(set(table) - _IGNORE_KEYS)
    if extra:
        raise ConfigError(f"{key}.{extra[0]}", f"unknown key; expected one of {', '.join(sorted(_IGNORE_KEYS))}")
    for required in ("rules", "reason"):
        if required not in table:
            raise ConfigError(f"{key}.{required}", "is required" + (
                ": say why these findings are hidden" if required == "reason" else
                ": a list of rule ids"))
    names = tuple(check_rule_names(f"{key}.rules", _str_list(f"{key}.rules", table["rules"])))
    reason = _typed(f"{key}.reason", table["reason"], str).strip()
    if not reason:
        raise ConfigError(f"{key}.reason", "must say why these findings are hidden")
    paths = tuple(_str_list(f"{key}.paths", table.get("paths", ["*"])))
    selector = table.get("selector")
    if selector is not None:
        _typed(f"{key}.selector", selector, str)
        try:
            from cssselect import GenericTranslator, SelectorError
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as e:
            raise ConfigError(f"{key}.selector", f"not a CSS selector: {e}") from None
    until = table.get("until")
    if until is not None:
        if isinstance(until, str):
            try:
                until = dt.date.fromisoformat(until)
            except ValueError:
                until = None
        if isinstance(until, dt.datetime) or not isinstance(until, dt.date):
            raise ConfigError(f"{key}.until", f"expected a date such as 2027-03-01, got {table['until']!r}")
    return Ignore(i, names, reason, paths, selector, until)


def check_rule_names(key: str, names: list[str]) -> list[str]:
    """Rule ids or families (`axe`, `axe.color-contrast`) as --select and --ignore take
    them; an unknown one is a ConfigError naming it."""
    for n in names:
        if n in rules.RULES:
            continue
        if n in PREFIXES or n.split(".")[0] in PREFIXES and "." in n:
            known = bundled_axe_rules()
            if n in PREFIXES or not known or n[4:] in known:
                continue
            raise ConfigError(key, f'unknown axe rule "{n[4:]}" (not in the bundled axe-core)')
        raise ConfigError(key, f'unknown rule "{n}" (see `qa rules`)')
    return names


def jobs(key: str, value: Any) -> int:
    """A number of processes or sessions: a whole number from 1 to MAX_JOBS."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_JOBS:
        raise ConfigError(key, f"expected a whole number from 1 to {MAX_JOBS}, got {value!r}")
    return value


def seconds(key: str, value: Any) -> float:
    """A time limit: a number of seconds above 0, at most MAX_SECONDS (never NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not 0 < value <= MAX_SECONDS:           # NaN fails every comparison
        raise ConfigError(key, f"expected a number of seconds above 0 and at most "
                          f"{MAX_SECONDS}, got {value!r}")
    return float(value)


def _positive(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(key, f"expected a whole number of at least 1, got {value!r}")
    return value


def _str_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, f"expected a list of strings, got {value!r}")
    return value
