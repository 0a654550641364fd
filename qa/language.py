"""Which language a text is in: py3langid's naive Bayes model (Lui & Baldwin's langid.py,
97 languages and more), shipped inside the package and loaded on first use, so it works
with no network. Conservative by design: a short text or an unsure model gives no answer,
and English text is only called something else when it has almost none of English's most
common words."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MIN_WORDS = 40            # below this the model's guess is not worth a claim
MIN_CONFIDENCE = 0.9      # py3langid's normalised probability, length-calibrated
WRONG_CONFIDENCE = 0.99   # to overrule a lang the page declares
SAMPLE_CHARS = 3000       # enough for a sure answer; the model's cost grows with length

# The commonest English words that are not also common words of another language written
# in Latin script ("a" es/fr/it/pt, "in" de/nl/it, "is" nl, "an"/"was"/"will" de, "of"
# nl, "for" da/no, "on" fr, "to" cs/pl): in English prose they are a fifth or more of the
# words, in other languages almost none.
_ENGLISH = frozenset("""the and that with this which from you your are have has not
    be been can it its by or there their they when what would should could""".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Languages the model confuses with each other on real text; a page declared as one of a
# group and read as another of it is not called wrong
_CLOSE = [frozenset(g.split()) for g in (
    "es gl ca pt an oc ast", "nl af fy lb", "da no nb nn sv", "hr bs sr sh",
    "ms id", "cs sk", "ru uk be bg mk", "zh ja yue wuu", "ar arz ary fa ur",
    "hi mr ne", "fr wa", "it vec lij")]
# Obsolete or macro-language codes that still appear in lang attributes (IANA registry)
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "nb": "no", "zh-hans": "zh",
            "fil": "tl", "sh": "sr"}

NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "nl": "Dutch", "ru": "Russian", "pt": "Portuguese", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "ar": "Arabic", "he": "Hebrew", "el": "Greek", "pl": "Polish",
    "cs": "Czech", "sk": "Slovak", "hu": "Hungarian", "tr": "Turkish", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian", "fi": "Finnish", "uk": "Ukrainian", "bg": "Bulgarian",
    "ro": "Romanian", "ca": "Catalan", "gl": "Galician", "eu": "Basque", "hi": "Hindi",
    "fa": "Persian", "th": "Thai", "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay",
    "hr": "Croatian", "sr": "Serbian", "sl": "Slovenian", "et": "Estonian", "lv": "Latvian",
    "lt": "Lithuanian", "af": "Afrikaans", "la": "Latin", "eo": "Esperanto",
}


@dataclass(frozen=True)
class Guess:
    lang: str             # ISO 639-1 where there is one (py3langid's labels)
    confidence: float

    @property
    def name(self) -> str:
        return name(self.lang)


def name(lang: str) -> str:
    return NAMES.get(lang, f'"{lang}"')


def primary(lang: str | None) -> str | None:
    """The primary subtag, lower case, with obsolete codes mapped ("iw-IL" -> "he")."""
    if not lang or not lang.strip():
        return None
    low = lang.strip().lower().replace("_", "-")
    if low in _ALIASES:
        return _ALIASES[low]
    first = low.split("-")[0]
    return _ALIASES.get(first, first)


def are_close(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _CLOSE)


def english_share(text: str) -> float:
    """The share of the words that are among English's commonest (see `_ENGLISH`)."""
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    return sum(w in _ENGLISH for w in words) / len(words) if words else 0.0


def is_plainly_english(text: str) -> bool:
    """English for certain: a declared lang="en" is then never questioned (and the model
    never loaded). Real English prose runs at 0.15 to 0.35."""
    return english_share(text) >= 0.08


@functools.cache
def _identifier():
    # numpy and the 3 MB model load on first use only (0.5-1 s), in each process
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> Guess | None:
    """The language of `text`, or None when the text is too short or the model unsure."""
    sample = text[:SAMPLE_CHARS]
    words = sample.split()
    if len(words) < MIN_WORDS and not _is_unspaced_script(sample):
        return None
    lang, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE or lang in ("zxx", "und"):
        return None
    return Guess(lang, round(confidence, 3))


def _is_unspaced_script(text: str) -> bool:
    """Chinese, Japanese, Thai...: few spaces, so count characters instead of words."""
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 * MIN_WORDS and text.count(" ") * 8 < letters
