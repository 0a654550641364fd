"""An image, or a link or button, has no text alternative.

People who cannot see an image hear its text alternative instead; without one a screen
reader reads the file name or just "image", and a link or button made only of a picture
is announced as "link" with nothing to say where it goes (WCAG 1.1.1 Non-text Content;
ACT rule 23a2a8). Checked: img (alt, aria-label, aria-labelledby or title), input
type="image", area with href, any element with role="img" (or graphics-document,
graphics-symbol, as on an svg), and a link or button whose content gives it no name,
such as a single image with alt="" (a link with no image and no text is link-name's). An img with alt="" or role="presentation"/"none"
is decorative and needs no text, unless it can take focus (ARIA: presentational roles
conflict resolution). Hidden elements (hidden, aria-hidden="true", display: none,
visibility: hidden) are not checked.

Bad:
    <img src="ward-map.png">
    <a href="news.html"><img src="news-icon.png" alt=""></a>
    <svg role="img" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"></circle></svg>
Good:
    <img src="ward-map.png" alt="Map of the ground floor: the main entrance is on Elm Street">
    <a href="news.html"><img src="news-icon.png" alt="Hospital news"></a>
    <img src="divider.png" alt="">
    <svg role="img" viewBox="0 0 10 10"><title>Open</title><circle r="4"></circle></svg>
"""
from __future__ import annotations

from lxml import etree

from qa.names import (accessible_name, is_decorative, is_hidden, is_hidden_in_tree, is_presentational,
                      norm, role, shorten)

ID = "missing-alt-text"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("wcag2a", "wcag111")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("People who are blind or have low vision hear a description of each image instead "
       "of seeing it. Without one they hear the file name or nothing at all, and a link "
       "that is only a picture gives them no idea where it goes.")
FIX = ("Add alt text that says what the image shows or, for a linked image, where the link "
       "goes (\"Hospital news\", not \"icon\"). If the image is only decoration, mark it as "
       "decorative (an empty alt) so screen readers skip it; but a link or button always "
       "needs words.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html"

IMAGE_ROLES = ("img", "graphics-document", "graphics-symbol")
LINK_ROLES = ("link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref")  # DPUB-ARIA


def nameless_controls(page) -> list[tuple]:
    """(element, "link" or "button", its images that assistive technology sees) for every
    link and button on the page with no accessible name, in document order; worked out
    once per page and shared with link-name."""
    return _controls(page)[0]


def _controls(page) -> tuple[list[tuple], list[tuple]]:
    """(nameless controls as above, (element, control kind or None) for every candidate)."""
    cache = page.__dict__.get("_qa_controls")
    if cache is None:
        nameless, kinds = [], []
        for el in CANDIDATES(page.tree):
            kind = control(el)
            kinds.append((el, kind))
            if kind and not has_words(el) and not accessible_name(el) and not is_hidden_in_tree(el):
                nameless.append((el, kind, [
                    i for i in el.iterdescendants()
                    if isinstance(i.tag, str) and (is_image(i) or i.tag.lower() == "svg")
                    and not is_hidden_in_tree(i)]))
        cache = page.__dict__["_qa_controls"] = (nameless, kinds)
    return cache


_NO_TEXT = ("script", "style", "template", "noscript", "img", "svg", "area", "input")


def has_words(el) -> bool:
    """A shortcut past the accessible-name computation for the usual link or button: no
    aria-labelledby, and words that the name from content must include (an aria-label,
    text of its own, the text after a child, or the text of a child that is not hidden),
    so its name cannot be empty. False says nothing: the full computation decides."""
    if el.get("aria-labelledby") is not None:
        return False
    if norm(el.get("aria-label")) or norm(el.text):
        return True
    for c in el:
        if norm(c.tail):
            return True
        if isinstance(c.tag, str) and c.tag.lower() not in _NO_TEXT and not is_hidden(c) \
                and norm(c.text):
            return True
    return False


def check(page, conf):
    nameless_list, kinds = _controls(page)
    nameless = {el: images for el, _kind, images in nameless_list}
    done: set = set()   # images already reported through their link or button; holding the
    for el, kind in kinds:      # elements keeps lxml's proxies (and identity) alive
        if el in done:
            continue
        if kind:
            if el not in nameless:
                continue
            images = nameless[el]
            done.update(images)
            if kind == "link" and not images:
                continue            # no image to describe: link-name's finding
            yield page.finding(el, _control_message(el, kind, images))
        elif is_image(el):
            if is_decorative(el) or accessible_name(el) or is_hidden_in_tree(el):
                continue
            yield page.finding(el, _image_message(el))


# every element control or is_image can accept, in document order, in one XPath pass
CANDIDATES = etree.XPath("descendant-or-self::*[self::a or self::button or self::img or "
                          "self::input or self::area or @role]")


def control(el) -> str | None:
    """"link" or "button" when `el` is one (by tag or role), else None."""
    tag, r = el.tag.lower(), role(el)
    if r in ("presentation", "none") and not is_presentational(el):
        r = ""                      # ARIA: role="none" is ignored on a focusable element
    if r in LINK_ROLES:
        return "link"
    if r == "button":
        return r
    if r:
        return None
    if tag == "a" and el.get("href") is not None:
        return "link"
    return "button" if tag == "button" else None


def is_image(el) -> bool:
    tag = el.tag.lower()
    if tag == "img" or (tag == "input" and el.get("type", "").strip().lower() == "image"):
        return True
    if tag == "area":               # HTML: only an area with href is a link in the map
        return el.get("href") is not None
    return role(el) in IMAGE_ROLES


def _what(el) -> str:
    tag = el.tag.lower()
    if tag == "img":
        src = el.get("src", "").strip()
        return f'image "{shorten(src)}"' if src else "image"
    if tag == "input":
        src = el.get("src", "").strip()
        return f'image button "{shorten(src)}"' if src else "image button"
    if tag == "area":
        return f'image map link to "{shorten(el.get("href", ""))}"'
    return f'{tag} with role="{role(el)}"'


def _image_message(el) -> str:
    tag, alt = el.tag.lower(), el.get("alt")
    if tag not in ("img", "input", "area"):
        return f"{_what(el)} has no " + ("title or aria-label" if tag == "svg" else "aria-label")
    if alt is None:
        why = f' (role="{role(el)}" does not apply to an image that can take focus)' \
            if role(el) in ("presentation", "none") else ""
        return f"{_what(el)} has no alt attribute{why}"
    if alt:                         # HTML: only alt="" marks decoration; " " is an image
        return f'{_what(el)} has a blank alt="{alt}"'
    if tag == "img":                # ARIA: presentational roles conflict resolution
        return f'{_what(el)} has alt="" but takes focus or has ARIA attributes, ' \
            "so it is not decorative"
    kind = "button" if tag == "input" else "link"
    return f"{_what(el)} has an empty alt, but a {kind} needs a name"


def _control_message(el, kind: str, images: list) -> str:
    href = el.get("href")
    what = f'{kind} to "{shorten(href)}"' if kind == "link" and href is not None else kind
    if len(images) == 1:
        return f"{what} has no text: its only image {_image_reason(images[0])}"
    if images:
        return f"{what} has no text: none of its {len(images)} images has a text alternative"
    text = norm(el.text_content())
    if text:        # content there, but hidden from assistive technology
        return f'{what} has no text screen readers can read: "{shorten(text)}" is hidden from them'
    return f"{what} has no text"


def _image_reason(img) -> str:
    tag = img.tag.lower()
    if tag in ("img", "input") and img.get("alt") is not None and not img.get("alt").strip():
        return f'has alt="{img.get("alt")}"'
    if is_presentational(img):
        return f'is marked as decorative (role="{role(img)}")'
    if tag in ("img", "input"):
        return "has no alt attribute"
    return "has no title" if tag == "svg" else "has no text alternative"
