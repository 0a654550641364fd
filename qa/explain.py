"""`qa explain RULE`: a rule's documentation on the command line (ruff's `rule`, pylint's
`--help-msg`), from the rule module itself: its docstring (what, Bad and Good examples),
WHY and FIX, options with their defaults, default severity and help page. axe-core's
rules (`axe.<id>`) are explained from the bundled axe-core's own metadata, with a link to
Deque's help page."""
from __future__ import annotations

import difflib
import functools
import re
import textwrap
from pathlib import Path
from types import ModuleType

import rules
from qa import config as qaconfig

AXE_HELP = "https://dequeuniversity.com/rules/axe/{version}/{id}"


class UnknownRule(LookupError):
    """A rule id that is neither ours nor the bundled axe-core's; `close` are the
    nearest known ids (difflib)."""
    def __init__(self, rule_id: str, close: list[str]):
        self.rule_id, self.close = rule_id, close
        hint = f"; did you mean {' or '.join(close)}?" if close else " (see `qa rules`)"
        super().__init__(f'unknown rule "{rule_id}"{hint}')


def explain(rule_id: str) -> str:
    """The documentation of `rule_id` as plain text; UnknownRule when there is none."""
    mod = rules.RULES.get(rule_id)
    if mod is not None:
        return _ours(rule_id, mod)
    if rule_id.startswith("axe.") and rule_id[4:] in qaconfig.bundled_axe_rules():
        return _axe(rule_id[4:])
    known = list(rules.RULES) + [f"axe.{r}" for r in qaconfig.bundled_axe_rules()]
    raise UnknownRule(rule_id, difflib.get_close_matches(rule_id, known, n=3, cutoff=0.6))


def _ours(rid: str, mod: ModuleType) -> str:
    doc = textwrap.dedent("\n".join((mod.__doc__ or "").strip().splitlines()[1:])).strip()
    first = rules.summary(mod)
    severity = ("by axe's impact (critical, serious: error; moderate: warning; minor: info)"
                if mod.SCOPE == "browser" else mod.SEVERITY)
    out = [f"{rid}: {first}", "", f"Default severity: {severity}",
           f"Scope: {_SCOPES.get(mod.SCOPE, mod.SCOPE)}"]
    if mod.TAGS:
        out.append(f"Tags: {', '.join(mod.TAGS)}")
    if doc:
        out += ["", doc]
    for title, text in (("Why it matters", getattr(mod, "WHY", "")),
                        ("How to fix it", getattr(mod, "FIX", ""))):
        if text:
            out += ["", f"{title}:", textwrap.fill(text, 88, break_on_hyphens=False, initial_indent="    ",
                                                   subsequent_indent="    ")]
    out += ["", "Options:"]
    if mod.CONF:
        for name, types in mod.CONF.items():
            types = types if isinstance(types, tuple) else (types,)
            kind = " or ".join(t.__name__ for t in types)
            default = mod.DEFAULT.get(name, "(none)")
            out.append(f"    {name} ({kind}), default {_toml(default)}")
    else:
        out.append("    none besides severity and enabled")
    out += ["", "Config:", f'    [tool.qa.rules]', f'    "{rid}" = "warning"      '
            "# a severity, false to turn it off" + (", or a table of options" if mod.CONF else "")]
    if getattr(mod, "HELP_URL", None):
        out += ["", f"Help: {mod.HELP_URL}"]
    return "\n".join(out) + "\n"


_SCOPES = {"page": "each page", "site": "across the pages of the site",
           "browser": "the rendered page in headless Chromium (--browser)",
           "engine": "reported by qa itself (cannot be deselected)"}


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _axe(aid: str) -> str:
    meta = _axe_metadata().get(aid, {})
    version = _axe_metadata().get("", {}).get("version", "")
    short = ".".join(version.split(".")[:2]) or "4.10"
    out = [f"axe.{aid}: {meta.get('help', 'an axe-core rule')}", ""]
    if meta.get("description"):
        out.append(meta["description"] + ".")
    out += ["", f"This is axe-core's rule {aid!r} (Deque, axe-core {version or 'bundled'}), "
            "run on the rendered page", "with --browser; qa reports each element it flags as "
            f"axe.{aid}."]
    if meta.get("impact"):
        out += ["", f"axe's impact: {meta['impact']} (critical, serious: error; moderate: "
                "warning; minor: info)"]
    if meta.get("tags"):
        out.append(f"Tags: {meta['tags']}")
    out += ["", "Config:", "    [tool.qa.rules]",
            f'    "axe.{aid}" = "warning"      # a severity, or false to turn it off',
            "", f"Help: {AXE_HELP.format(version=short, id=aid)}"]
    return "\n".join(out) + "\n"


@functools.cache
def _axe_metadata() -> dict[str, dict[str, str]]:
    """help, description, impact and tags of each rule of the bundled axe-core, read from
    its script; key "" holds its version. Empty when the script cannot be read."""
    try:
        from axe_selenium_python import Axe
        text = Path(Axe(None).script_url).read_text("utf-8")
    except Exception:       # noqa: BLE001 - not installed, unreadable: the bare explanation
        return {}
    out: dict[str, dict[str, str]] = {}
    m = re.match(r"/\*! axe v([0-9.]+)", text)
    out[""] = {"version": m.group(1) if m else ""}
    for m in re.finditer(r'"([a-z0-9-]+)":\{description:"((?:[^"\\]|\\.)*)",'
                         r'help:"((?:[^"\\]|\\.)*)"\}', text):
        out.setdefault(m.group(1), {"description": m.group(2), "help": m.group(3)})
    for m in re.finditer(r'\{id:"([a-z0-9-]+)",(?:impact:"([a-z]+)",)?[^{}]*?tags:\[([^\]]*)\]',
                         text):
        if m.group(1) in out:
            out[m.group(1)].setdefault("impact", m.group(2) or "")
            out[m.group(1)].setdefault("tags", m.group(3).replace('"', "").replace(",", ", "))
    return out
