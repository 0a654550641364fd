"""Alt text that does not describe its image (a file name, a placeholder, "image of").

Checked: alt text that is a file name, a placeholder, starts with "image of", is far too
long, or copies the figure's caption.

These are heuristics, so they are warnings to review, never errors. Alt text is what a
screen reader says instead of showing the image (WCAG 1.1.1 Non-text Content; ACT rule
9eb3f6 for file names). A file name ("IMG_2031.jpg") or a placeholder ("image", "photo",
"spacer") tells the listener nothing; "image of" is said twice, because the screen
reader already says "image"; a very long alt (over `max-length` characters, 150 by
default) cannot be skimmed or paused; and alt text that repeats the figure's caption
is heard twice. Options: `max-length` (int), `placeholders` (list of alt texts, compared
ignoring case, that count as placeholders). Decorative (alt="") and hidden images are
not checked, and a file name is accepted in a link that downloads that file.

Bad:
    <img src="IMG_2031.jpg" alt="IMG_2031.jpg">
    <img src="team.jpg" alt="photo">
    <img src="nurse.jpg" alt="Image of a nurse taking a patient's blood pressure">
Good:
    <img src="IMG_2031.jpg" alt="The new children's ward, with a play area by the windows">
    <img src="nurse.jpg" alt="A nurse taking a patient's blood pressure">
    <figure><img src="wing.jpg" alt="The glass entrance of the east wing">
    <figcaption>The east wing opened in May.</figcaption></figure>
"""
from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from qa.names import is_decorative, is_hidden_in_tree, norm, role, shorten

ID = "alt-text-quality"
SCOPE = "page"
SEVERITY = "warning"
TAGS = ("wcag2a", "wcag111")
CONF = {"max-length": int, "placeholders": list}
DEFAULT = {
    "max-length": 150,
    "placeholders": ["image", "img", "photo", "photograph", "picture", "pic", "graphic",
                     "logo", "icon", "banner", "spacer", "blank", "untitled", "alt",
                     "alt text", "todo", "tbd", "placeholder", "none", "null", "undefined",
                     "*"],
}
WHY = ("Screen reader users hear the alt text instead of seeing the picture. A file name, "
       "a word like \"photo\", or a copy of the caption tells them nothing about what the "
       "picture shows, and a very long description is hard to listen to.")
FIX = ("Write a short sentence that says what the picture shows and why it is there, as "
       "you would describe it on the phone. Leave out \"image of\" and file names. If a "
       "caption already says it all, keep the alt short or leave it empty; put long "
       "descriptions (such as a chart's figures) in the page text.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html"

_EXT = r"\.(?:jpe?g|jfif|png|gif|webp|svg|bmp|tiff?|avif|heic|ico)"
_FILE_NAME = re.compile(_EXT + r"$", re.I)
# names cameras, phones, scanners and word processors give pictures: IMG_2031, DSC01234,
# PXL_20240101_093000, image001 (Word), and hex checksums
_GENERATED = re.compile(r"^(?:img|dscn?|dscf|dcim|pxl|gopr|mvimg|sam|image|photo|picture|pic|"
                        r"scan|screenshot|untitled)[\s_-]?\d[\d_ .-]*$|^[0-9a-f]{16,}$", re.I)
_REDUNDANT = re.compile(r"^(?:an?\s+|the\s+)?(image|picture|photo|photograph|graphic|"
                        r"illustration)\s+of\b", re.I)


def validate(conf) -> None:
    if not all(isinstance(p, str) for p in conf.get("placeholders", [])):
        raise ValueError("placeholders must be a list of strings")
    if conf.get("max-length", 1) < 1:
        raise ValueError("max-length must be at least 1")


def check(page, conf):
    limit = conf.get("max-length", DEFAULT["max-length"])
    placeholders = {_key(p) for p in conf.get("placeholders", DEFAULT["placeholders"])}
    for el in page.elements("img", "input", "area"):
        alt = el.get("alt")
        if not _applies(el, alt):
            continue
        text = norm(alt)
        problem = _problem(el, text, placeholders, limit)
        if problem:
            yield page.finding(el, f'alt "{shorten(text)}" {problem}')


def _applies(el, alt) -> bool:
    tag = el.tag.lower()
    if tag == "input" and el.get("type", "").strip().lower() != "image":
        return False
    if tag == "area" and el.get("href") is None:
        return False
    # aria-label/labelledby replace the alt as the name; decorative and hidden images
    # are not read at all
    return bool(norm(alt)) and el.get("aria-label") is None and \
        el.get("aria-labelledby") is None and role(el) not in ("presentation", "none") \
        and not is_decorative(el) and not is_hidden_in_tree(el)


def _problem(el, text: str, placeholders: set[str], limit: int) -> str | None:
    key = _key(text)
    if key in placeholders or not re.search(r"\w", text):
        return "is a placeholder, not a description"
    if (_FILE_NAME.search(text) or _GENERATED.match(text)) and not _names_its_download(el, text):
        return "is a file name, not a description"
    m = _REDUNDANT.match(text)
    if m:   # screen readers already announce "image"
        return f'starts with "{m.group(0).lower()}"'
    caption = _caption(el)
    if caption and _key(caption) == key:
        return "repeats the figure's caption"
    if len(text) > limit:
        return f"is {len(text)} characters long (limit {limit})"
    return None


def _key(text: str) -> str:
    return norm(text).casefold().strip(" .,;:!?")


def _names_its_download(el, text: str) -> bool:
    """Inside a link to that very file (ACT 9eb3f6: a download link's image may say
    "report.pdf"), the file name is the point."""
    link = next((a for a in el.iterancestors("a") if a.get("href") is not None), None)
    if link is None:
        return False
    try:
        path = urlsplit(link.get("href", "")).path
    except ValueError:                   # not a URL ("https://[oops"): its text, then
        path = link.get("href", "")
    target = posixpath.basename(unquote(path))
    return link.get("download") is not None or target.casefold() == text.casefold()


def _caption(el) -> str | None:
    fig = next(el.iterancestors("figure"), None)
    cap = fig.find("figcaption") if fig is not None else None
    return norm(cap.text_content()) if cap is not None else None
