"""What the browser run hands axe-core in the browser, and what it accepts back.

The scripts: axe's run in the page's own world (the fallback), or in isolated worlds: the
whole run in the top frame's (axe.run) when it has no frames to check, else each frame's
part (axe.runPartial) put together in the top frame's (axe.finishRun); all return axe's
results with where the browser is, the page's HTTP status and the fragments the DOM has.
`shape_problem` checks that what came back looks like axe-core's results before any of it
reaches a finding.
"""
from __future__ import annotations

import re
from typing import Any

RULE_ID = re.compile(r"[a-z0-9-]+")          # axe-core's rule ids
TAG = re.compile(r"[A-Za-z0-9._-]+")         # its tags: wcag2a, cat.color, EN-301-549
IMPACTS = (None, "minor", "moderate", "serious", "critical")

# What both ways of running axe hand back: axe's results, where the browser really is, the
# HTTP status of the page, and which asked-for fragments the rendered DOM has.
_REPORT = """
const qaReport = (r, fragments) => {
  const nav = performance.getEntriesByType('navigation')[0];
  // for an element inside one that carries data-qa-ignore: that holder, so that an element a
  // script made (no line in the markup) can be placed at it, and its suppression applies
  const path = el => {
    const parts = [];
    for (; el && el.nodeType === 1; el = el.parentElement) {
      if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
        parts.unshift('#' + CSS.escape(el.id));
        break;
      }
      const same = el.parentElement
        ? Array.from(el.parentElement.children).filter(c => c.localName === el.localName) : [el];
      parts.unshift(same.length > 1 ? `${el.localName}:nth-of-type(${same.indexOf(el) + 1})` : el.localName);
    }
    return parts.join(' > ');
  };
  const holder = n => {
    try {
      if (n.target.length !== 1 || typeof n.target[0] !== 'string') return;
      const el = document.querySelector(n.target[0]);
      const h = el && el.closest('[data-qa-ignore]');
      if (h) n.qaIgnoreHolder = {target: [path(h)], html: h.outerHTML.slice(0, 300)};
    } catch (e) { /* a target this document cannot select: no holder */ }
  };
  r.violations.concat(r.incomplete).forEach(rule => rule.nodes.forEach(holder));
  // HTML "find a potential indicated element": an element with that id, or an <a> with that
  // name; or, for a question "\0present:SELECTOR" / "\0rendered:SELECTOR" (no id has a NUL),
  // whether an element matches it, and whether it is rendered (not display:none or
  // visibility:hidden, so in the accessibility tree)
  const answer = f => {
    if (f[0] !== '\0') return document.getElementById(f) ||
      Array.from(document.getElementsByName(f)).some(e => e.localName === 'a');
    const [ask, sel] = [f.slice(1, f.indexOf(':')), f.slice(f.indexOf(':') + 1)];
    let el = null;
    try { el = document.querySelector(sel); } catch (e) { return false; }
    if (!el || ask === 'present') return !!el;
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden';
  };
  const found = fragments.filter(answer);
  return {violations: r.violations, incomplete: r.incomplete, version: axe.version,
          url: location.href, status: nav ? nav.responseStatus : null, found};
};
"""
# In the page's own world (the fallback): arguments are the axe options and the fragments.
RUN_AXE = """
const done = arguments[arguments.length - 1], options = arguments[0], fragments = arguments[1];
if (typeof axe === 'undefined') { done({error: 'the axe script did not define axe'}); return; }
""" + _REPORT + """
axe.run(document, options).then(r => done(qaReport(r, fragments)),
                                e => done({error: String(e && e.message || e)}));
"""
# In the top frame's isolated world, after the axe script. A page with no frames for axe
# to check is checked by axe.run there and then (iframes: false: no frame is asked over
# postMessage), so only the results kept (resultTypes) leave the browser. Otherwise this
# frame's part of the run (axe.runPartial, every element of every rule: passes and
# inapplicable too, megabytes on a long page) stays in this world for FINISH, and only the
# frames axe wants checked come back.
TOP = """
(async (options, fragments) => {
  if (typeof axe === 'undefined') return {error: 'the axe script did not define axe'};
""" + _REPORT + """
  const frames = axe.utils.getFrameContexts(undefined, options)
    .map(f => ({selector: f.frameSelector, context: f.frameContext}));
  if (!frames.length)
    return {report: qaReport(await axe.run(document, {...options, iframes: false}), fragments)};
  globalThis.qaTopPartial = await axe.runPartial(document, options);
  return {frames};
})(%s, %s)
"""
# In a frame's isolated world, after the axe script: this frame's part of the run, and the
# frames in it that axe wants checked (its order: finishRun expects them depth first).
PARTIAL = """
(async (context, options) => {
  if (typeof axe === 'undefined') return {error: 'the axe script did not define axe'};
  const frames = axe.utils.getFrameContexts(context || undefined, options)
    .map(f => ({selector: f.frameSelector, context: f.frameContext}));
  const partial = await axe.runPartial(context || document, options);
  return {partial: JSON.stringify(partial), frames};
})(%s, %s)
"""
# In the page's isolated world: the frames' parts put together (null: a frame not checked),
# after the top frame's own, which TOP left there.
FINISH = """
(async (partials, options, fragments) => {
""" + _REPORT + """
  const top = globalThis.qaTopPartial;
  globalThis.qaTopPartial = undefined;
  if (!top) return {error: "the top frame's part of the run was lost"};
  return qaReport(await axe.finishRun([top, ...partials], options), fragments);
})(%s, %s, %s)
"""
AXE_INFO = """
if (typeof axe === 'undefined') return null;
const rules = axe.getRules();
return {version: axe.version, rules: rules.map(r => r.ruleId),
        tags: Array.from(new Set(rules.flatMap(r => r.tags))),
        viewport: window.innerWidth + 'x' + window.innerHeight};
"""


def printable(text: Any) -> str:
    """A string from the page, shown in a message: no control characters, one line."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", str(text))[:300]


def shape_problem(out: dict) -> str | None:
    """What is wrong with the shape of axe's results, or None. Whatever produced them
    (a page's script may, in the page's own world), they reach the report only if they
    look like axe-core's: lists of rules with kebab-case ids, known impacts, string tags,
    and nodes with string html and selector targets."""
    def text(v: Any) -> bool:
        return v is None or isinstance(v, str)
    for kind in ("violations", "incomplete"):
        rules = out.get(kind)
        if not isinstance(rules, list):
            return f"{kind} is not a list"
        for rule in rules:
            if not isinstance(rule, dict):
                return f"a rule in {kind} is not an object"
            rid = rule.get("id")
            if not isinstance(rid, str) or not RULE_ID.fullmatch(rid):
                return f'rule id "{printable(rid)}" is not an axe-core rule id'
            if rule.get("impact") not in IMPACTS:
                return f'rule "{rid}" has an unknown impact'
            tags = rule.get("tags")
            if not isinstance(tags, list) or not all(isinstance(t, str) and TAG.fullmatch(t)
                                                     for t in tags):
                return f'rule "{rid}" has tags that are not names'
            if not all(text(rule.get(k)) for k in ("help", "description", "helpUrl")):
                return f'rule "{rid}" has a help text that is not a string'
            nodes = rule.get("nodes")
            if not isinstance(nodes, list):
                return f'rule "{rid}" has no list of elements'
            for node in nodes:
                if not isinstance(node, dict) or node.get("impact") not in IMPACTS or \
                        not text(node.get("html")) or not text(node.get("failureSummary")) \
                        or not _is_target(node.get("target")):
                    return f'an element of rule "{rid}" is not described as axe-core does'
    if not text(out.get("url")) or not isinstance(out.get("status"), (int, type(None))) \
            or not isinstance(out.get("found", []), list):
        return "the page's address or status is missing"
    return None


def _is_target(target: Any) -> bool:
    """axe's target: a list of selectors, each a string or (in shadow DOM) a list of them."""
    return isinstance(target, list) and all(
        isinstance(t, str) or (isinstance(t, list) and all(isinstance(x, str) for x in t))
        for t in target)
