"""Plain-language wording for axe-core's rules, for website editors rather than developers.

axe-core's own help text ("Images must have alternate text") is written for developers and
says nothing about why the problem matters to people. The HTML writer shows these words
instead when a finding comes from axe (`axe.<id>`); axe still decides what is wrong, and a
rule missing here falls back to axe's help and description (`report.rules`).

Each entry: (summary, why it matters to people, how to fix it).
"""
from __future__ import annotations

_ASK_DEVELOPER = "Ask your web developer or the team that looks after the site's templates to fix it."

AXE: dict[str, tuple[str, str, str]] = {
    "image-alt": (
        "An image has no text alternative.",
        "Blind visitors hear only \"image\" or the file name, and miss what the picture shows.",
        "Describe what the image shows or why it is there in its alternative (alt) text. "
        "If it is only decoration, mark it as decorative so screen readers skip it."),
    "input-image-alt": (
        "A button made from an image has no text alternative.",
        "Screen reader users do not know what the button does, so they cannot use it.",
        "Give the image button alt text that says what it does, such as \"Search\"."),
    "role-img-alt": (
        "Something shown as an image has no text alternative.",
        "Blind visitors miss what the picture or icon shows.",
        "Give it a short description of what it shows. " + _ASK_DEVELOPER),
    "svg-img-alt": (
        "A drawing or icon (SVG) has no text alternative.",
        "Blind visitors miss what the drawing or icon shows.",
        "Give the drawing a title that describes it. " + _ASK_DEVELOPER),
    "area-alt": (
        "A clickable area of an image map has no text alternative.",
        "Screen reader users cannot tell where that part of the image leads.",
        "Give each clickable area alt text that says where it leads."),
    "object-alt": (
        "Embedded content (an object) has no text alternative.",
        "Blind visitors do not know what the embedded content is.",
        "Add a short text alternative that describes the embedded content."),
    "color-contrast": (
        "Text does not stand out enough from its background.",
        "People with low vision, older visitors and anyone reading a phone in sunlight "
        "struggle to read pale or low-contrast text.",
        "Use darker text or a lighter background (a contrast ratio of at least 4.5 to 1; "
        "3 to 1 for large text). " + _ASK_DEVELOPER),
    "color-contrast-enhanced": (
        "Text does not stand out strongly from its background.",
        "Many people with low vision need a strong contrast to read text comfortably.",
        "Use darker text or a lighter background (a contrast ratio of at least 7 to 1)."),
    "link-name": (
        "A link has no text that says where it goes.",
        "Screen reader users hear only \"link\" and cannot tell where it leads.",
        "Put words in the link, or give an image link alt text that says where it goes."),
    "button-name": (
        "A button has no text that says what it does.",
        "Screen reader users hear only \"button\" and cannot tell what it does.",
        "Put words on the button, or give an icon button a label such as \"Close\"."),
    "input-button-name": (
        "A button has no text that says what it does.",
        "Screen reader users hear only \"button\" and cannot tell what it does.",
        "Give the button a value or label that says what it does."),
    "label": (
        "A form field has no label.",
        "Screen reader users do not know what to type, and everyone loses the hint once "
        "they start typing over placeholder text.",
        "Give each field a visible label, such as \"Your date of birth\", linked to the field."),
    "select-name": (
        "A drop-down list has no label.",
        "Screen reader users do not know what they are choosing.",
        "Give the drop-down list a visible label that says what it is for."),
    "form-field-multiple-labels": (
        "A form field has more than one label.",
        "Screen readers may read only one of the labels, or read them in a confusing way.",
        "Keep one label per field."),
    "autocomplete-valid": (
        "A form field asks the browser to fill it in with the wrong kind of information.",
        "People who rely on their browser to fill in forms, for example because typing is "
        "hard for them, get wrong or no suggestions.",
        _ASK_DEVELOPER),
    "html-has-lang": (
        "The page does not say what language it is written in.",
        "Screen readers may read the page with the wrong accent and pronunciation, which "
        "makes it very hard to understand.",
        "Set the page's language (for example English) in the page settings or template."),
    "html-lang-valid": (
        "The page's language setting is not a real language code.",
        "Screen readers may read the page with the wrong accent and pronunciation.",
        "Use a real language code such as \"en\" for English or \"es\" for Spanish."),
    "valid-lang": (
        "A passage's language setting is not a real language code.",
        "Screen readers may read that passage with the wrong pronunciation.",
        "Use a real language code such as \"fr\" for French on the passage."),
    "html-xml-lang-mismatch": (
        "The page states two different languages.",
        "Screen readers may pick the wrong one and read the page with the wrong pronunciation.",
        _ASK_DEVELOPER),
    "document-title": (
        "The page has no title.",
        "The title is the first thing a screen reader says and what a browser tab and "
        "search results show; without it people cannot tell pages apart.",
        "Give the page a short title that says what it is about, such as "
        "\"Visiting hours | Riverside Hospital\"."),
    "heading-order": (
        "Headings skip a level.",
        "Screen reader users use headings as a table of contents; a skipped level makes "
        "them think they missed a section.",
        "Use heading levels in order: a heading below a Heading 2 is a Heading 3, not a Heading 4."),
    "empty-heading": (
        "A heading has no text.",
        "Screen reader users hear \"heading\" with nothing after it.",
        "Type the heading's words into it, or remove the empty heading."),
    "page-has-heading-one": (
        "The page has no main heading (Heading 1).",
        "Screen reader users jump to the main heading to find where the content starts.",
        "Give the page one Heading 1 that says what the page is about."),
    "p-as-heading": (
        "Bold or large text is used instead of a real heading.",
        "Screen reader users cannot jump to it, because it only looks like a heading.",
        "Format the text as a heading (Heading 2, Heading 3...) in the editor."),
    "landmark-one-main": (
        "The page does not mark where its main content is.",
        "Screen reader and keyboard users cannot jump straight to the main content.",
        _ASK_DEVELOPER),
    "region": (
        "Some content is outside the page's marked areas (header, navigation, main, footer).",
        "Screen reader users who move between areas can miss this content.",
        _ASK_DEVELOPER),
    "landmark-unique": (
        "Two areas of the page have the same name.",
        "Screen reader users cannot tell the two areas apart.",
        "Give each area, such as two navigation menus, its own name. " + _ASK_DEVELOPER),
    "bypass": (
        "There is no way to skip past the menus to the content.",
        "Keyboard users must tab through every menu link on every page before they reach "
        "the content.",
        "Add a \"Skip to content\" link at the top of the page. " + _ASK_DEVELOPER),
    "skip-link": (
        "A \"skip\" link points to a place that does not exist.",
        "Keyboard users who use it stay where they are instead of reaching the content.",
        _ASK_DEVELOPER),
    "list": (
        "A list contains something that is not a list item.",
        "Screen readers may announce the wrong number of items, or skip some.",
        "Use the editor's list buttons to make the list; do not mix other content into it."),
    "listitem": (
        "A list item is not inside a list.",
        "Screen readers do not announce it as part of a list.",
        "Use the editor's list buttons to make the list."),
    "definition-list": (
        "A definition list contains something it should not.",
        "Screen readers may read terms and definitions out of order.",
        _ASK_DEVELOPER),
    "dlitem": (
        "A term or definition is not inside a definition list.",
        "Screen readers do not announce it as part of a list.",
        _ASK_DEVELOPER),
    "duplicate-id": (
        "Two elements share the same id.",
        "Links, labels and screen readers may point to the wrong element.",
        "Make each id on the page unique."),
    "duplicate-id-aria": (
        "Two elements share an id that a label or description refers to.",
        "Screen readers may read the wrong label or description.",
        "Make each id on the page unique."),
    "duplicate-id-active": (
        "Two links or buttons share the same id.",
        "Keyboard and screen reader users may be taken to the wrong one.",
        "Make each id on the page unique."),
    "frame-title": (
        "An embedded frame (such as a map or video) has no title.",
        "Screen reader users do not know what the embedded content is before entering it.",
        "Give the frame a title that says what it contains, such as \"Map of the hospital\"."),
    "meta-viewport": (
        "The page stops people from zooming in on phones.",
        "People with low vision need to zoom in to read.",
        _ASK_DEVELOPER),
    "meta-refresh": (
        "The page reloads or moves on by itself after a delay.",
        "People who read slowly or use screen readers lose their place or their work.",
        "Remove the automatic refresh or redirect, or let people choose when to move on."),
    "tabindex": (
        "An element changes the order in which the keyboard moves through the page.",
        "Keyboard users jump around the page in a confusing order.",
        _ASK_DEVELOPER),
    "td-headers-attr": (
        "Table cells refer to headers that are not in the table.",
        "Screen reader users hear the wrong headers for the cells.",
        _ASK_DEVELOPER),
    "th-has-data-cells": (
        "A table header has no data cells under it.",
        "Screen reader users may be confused about how the table is organised.",
        "Check that each column and row header labels cells of the table."),
    "empty-table-header": (
        "A table header has no text.",
        "Screen reader users cannot tell what the column or row holds.",
        "Type a short heading into every header cell."),
    "video-caption": (
        "A video has no captions.",
        "Deaf and hard-of-hearing visitors cannot follow what is said.",
        "Add captions to the video (most video platforms can do this)."),
    "no-autoplay-audio": (
        "Sound plays automatically with no way to stop it.",
        "Screen reader users cannot hear their screen reader over the sound.",
        "Do not start sound automatically, or give a clear control to stop it."),
    "blink": (
        "Text blinks.",
        "Blinking text is hard to read and can distract people with attention difficulties.",
        "Remove the blinking effect."),
    "marquee": (
        "Text scrolls across the screen.",
        "Moving text is hard to read and cannot be paused.",
        "Show the text still instead."),
    "link-in-text-block": (
        "A link inside a paragraph can only be told apart by its colour.",
        "People who cannot see colours well cannot find the link.",
        "Underline links inside text. " + _ASK_DEVELOPER),
    "identical-links-same-purpose": (
        "Links with the same text lead to different places.",
        "People who scan a list of links cannot tell them apart.",
        "Make the link text say where each link goes."),
    "nested-interactive": (
        "A control is placed inside another control.",
        "Screen readers may not announce the inner control, and keyboard users may not reach it.",
        _ASK_DEVELOPER),
    "scrollable-region-focusable": (
        "An area that scrolls cannot be reached with the keyboard.",
        "Keyboard users cannot scroll to read the content inside it.",
        _ASK_DEVELOPER),
    "target-size": (
        "A link or button is too small or too close to another.",
        "People with shaky hands or on touch screens tap the wrong one.",
        "Make the link or button bigger, or put more space around it. " + _ASK_DEVELOPER),
    "server-side-image-map": (
        "An image map only works with a mouse.",
        "Keyboard and screen reader users cannot use it.",
        "Use ordinary links instead of the image map."),
    "aria-hidden-focus": (
        "Something hidden from screen readers can still be reached with the keyboard.",
        "Screen reader users land on something that is not announced.",
        _ASK_DEVELOPER),
}

# axe's many "aria-*" checks share one explanation: they are template code, not content.
_ARIA = ("A technical accessibility setting (ARIA) on this element is wrong or missing.",
         "Screen readers rely on these settings to describe the element; a wrong one makes "
         "them announce it wrongly or not at all.",
         _ASK_DEVELOPER)


def axe(rule_id: str) -> tuple[str, str, str] | None:
    """Editor wording for an axe rule id ("image-alt" or "axe.image-alt"), if we have it."""
    rid = rule_id.removeprefix("axe.")
    if rid in AXE:
        return AXE[rid]
    if rid.startswith("aria-"):
        return _ARIA
    return None
