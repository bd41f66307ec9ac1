"""Text as people type it, and text as a reader sees it: one module for both.

What a person types is normalised before it is validated or stored
(`normalise_text`: NFC, no control characters, no bidi controls; the public
forms apply it through `northstar.forms.TypedTextMixin`). Names that must be
unique (fundraiser page titles, team names) are then compared by what a reader
sees (`look_alike_key`), the fundraiser search compares a looser form of the
same text (`fold_for_search`), and slugs are its readable transliteration
(`readable_slug`). A word that mixes alphabets whose letters look alike
("Jоrdan" with a Cyrillic "о") is found by `mixed_script_look_alike`.

Unicode's data comes from two maintained libraries rather than a hand table:
`anyascii` (transliteration; Wagtail's own slugs use it) and
`confusable-homoglyphs` (UTS #39 confusables and the scripts of characters).
"""

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import categories, confusables
from django.utils.text import slugify

# --- text as typed ---------------------------------------------------------------------

# Line breaks a browser or a paste may send: each becomes "\n" in a multi-line
# field and a space in a one-line field ("\r\n" first, as one break).
LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")

# Invisible format characters (Unicode category Cf) that a person has no reason
# to type and that can reverse or hide the text around them: the bidi embeddings,
# overrides, isolates and marks, the zero-width space, the word joiner and the
# byte-order mark. The zero-width (non-)joiners U+200C and U+200D are kept:
# Persian, the Indic scripts and emoji need them.
INVISIBLE_CONTROLS = (
    {0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF}
    | set(range(0x202A, 0x202F))  # LRE, RLE, PDF, LRO, RLO
    | set(range(0x2066, 0x206A))  # LRI, RLI, FSI, PDI
)

# Category Cc (C0 and C1 controls, DEL): removed, except tab and newline, which
# a multi-line field keeps and a one-line field turns into a space.
CONTROL_CHARACTERS = {*range(0x00, 0x20), *range(0x7F, 0xA0)}

ONE_LINE = str.maketrans(
    dict.fromkeys(CONTROL_CHARACTERS | INVISIBLE_CONTROLS) | {0x09: " ", 0x0A: " "}
)
MULTI_LINE = str.maketrans(dict.fromkeys((CONTROL_CHARACTERS - {0x09, 0x0A}) | INVISIBLE_CONTROLS))


def normalise_text(value, *, multiline=False):
    """`value` (a str) as it should be validated and stored: NFC, without control characters.

    Line breaks of every kind become "\\n" when `multiline`, a space otherwise;
    tabs are kept only when `multiline`; every other control character (ESC,
    NUL, DEL, C1) and every bidi control (U+202A–U+202E, U+2066–U+2069,
    U+200E/F, U+061C) is removed. Spaces at the ends are left to the field.
    """
    if value.isascii() and value.isprintable():
        # Most of what people type: no line break, control or bidi character, and NFC already.
        return value
    text = value
    for line_break in LINE_BREAKS:
        text = text.replace(line_break, "\n")
    text = text.translate(MULTI_LINE if multiline else ONE_LINE)
    return unicodedata.normalize("NFC", text)


# --- text as a reader sees it ----------------------------------------------------------

ZWNJ, ZWJ = "\u200c", "\u200d"

# Scripts whose letters join or form conjuncts, where a zero-width (non-)joiner between
# two letters changes what a reader sees (Persian "می‌خواهم", Hindi "क्‍ष"): there, and only
# there, the joiners count. Elsewhere (after Latin letters, at the end) they are invisible.
JOINING_SCRIPTS = frozenset(
    {
        "ARABIC", "SYRIAC", "MANDAIC", "NKO", "MONGOLIAN", "ADLAM", "HANIFI_ROHINGYA",
        "MANICHAEAN", "PSALTER_PAHLAVI", "SOGDIAN", "OLD_UYGHUR", "PHAGS_PA",
        "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU",
        "KANNADA", "MALAYALAM", "SINHALA", "TIBETAN", "MYANMAR", "KHMER", "BALINESE",
        "JAVANESE", "SUNDANESE", "NEWA", "SHARADA", "GRANTHA", "TIRHUTA", "CHAKMA",
    }
)  # fmt: skip

# Characters a reader cannot see that are not format characters (category Cf, dropped as a
# class): variation selectors, the combining grapheme joiner and the Mongolian free
# variation selectors.
INVISIBLE_OTHERS = frozenset(
    {0x034F, 0x180B, 0x180C, 0x180D, 0x180F}
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)

# Blank letters and patterns that read as a space (beside the spaces NFKC makes U+0020):
# the Hangul fillers and the blank Braille pattern.
BLANKS = str.maketrans(dict.fromkeys((0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800), " "))

# Apostrophes and quotation marks a keyboard, a phone or a word processor types: one mark
# for all (besides every character of Unicode's categories Pi and Pf, « » ‘ ’ “ ” ‹ ›...).
QUOTES = frozenset(
    "'\"`´ʹʺʻʼʽʾʿˈˊˋ˴‘’‚‛“”„‟′″‴‵‶‷׳״᾽᾿῾＇＂〝〞〟❛❜❝❞"
)  # fmt: skip
APOSTROPHE = "'"


def is_quote(char):
    """Whether `char` is an apostrophe or a quotation mark of any kind."""
    return char in QUOTES or unicodedata.category(char) in ("Pi", "Pf")


def script_of(char):
    """The Unicode script of `char` as UTS #39 names it ("LATIN", "CYRILLIC", "COMMON",
    "INHERITED" for marks and joiners...)."""
    return categories.alias(char)


def joiner_counts(text, index):
    """Whether the joiner at `text[index]` stands between two letters (or marks) of one
    joining script, where it changes how they are drawn."""
    if index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    if unicodedata.category(before)[0] not in "LM" or unicodedata.category(after)[0] not in "LM":
        return False
    script = script_of(before)
    return script in JOINING_SCRIPTS and script_of(after) == script


def is_invisible(text, index):
    """Whether the character at `text[index]` is one a reader cannot see: a format character
    (Cf: zero-width space, word joiner, soft hyphen, bidi marks, a joiner where it does not
    join) or one of `INVISIBLE_OTHERS`."""
    char = text[index]
    if char in (ZWNJ, ZWJ):
        return not joiner_counts(text, index)
    return unicodedata.category(char) == "Cf" or ord(char) in INVISIBLE_OTHERS


@lru_cache(maxsize=20_000)
def reader_text(text):
    """`text` (a str) reduced to what a reader sees, comparable with another: quotes and
    apostrophes made one ("'"), compatibility characters composed (NFKC: fullwidth "Ｊ" is
    "J", "ﬁ" is "fi", every space is " "), case-folded, invisible characters dropped
    (`is_invisible`), and every run of spaces, tabs, line breaks and blanks (`BLANKS`) one
    space, trimmed.

    "  Jordan’s\u00a0SPRING\u200d " -> "jordan's spring". Letters and marks are kept: "José"
    and "Jose" differ here (the search folds them, `fold_for_search`).
    """
    text = "".join(APOSTROPHE if is_quote(char) else char for char in text or "")
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = "".join(char for index, char in enumerate(text) if not is_invisible(text, index))
    return " ".join(text.translate(BLANKS).split())


# Each character's look-alikes, from Unicode's confusables.txt (UTS #39), as the library has them.
confusables_data = confusables.confusables_data


def prototype(char):
    """What `char` looks like, as one string shared by all its look-alikes: UTS #39's
    confusables map each character to a prototype ("о" Cyrillic, "ο" Greek, "ｏ" -> "o";
    "1", "I" -> "l"; "m" -> "rn"); `char` itself if nothing looks like it.

    The library gives each character's look-alikes both ways (a prototype lists the
    characters mapped to it; those list the prototype); where a pair lists only each
    other, the smaller is taken, so both map to the same string."""
    alikes = [entry["c"].strip("\u200e\u200f") for entry in confusables_data.get(char, ())]
    if len(alikes) != 1:
        return char  # nothing looks like it, or many look like it: it is a prototype
    (other,) = alikes
    if len(confusables_data.get(other, ())) > 1:
        return other
    return min(char, other)


@lru_cache(maxsize=20_000)
def look_alike_key(text):
    """The key by which two names that must be unique are the same name: `reader_text`,
    then each character mapped to its UTS #39 prototype (the skeleton: `prototype`, on the
    decomposed text), case-folded again. Two titles a reader cannot tell apart have one
    key: "Jordan’s  spring", "jordan's spring\u200d", "Jоrdan's spring" (Cyrillic о),
    "Ｊｏｒｄａｎ's spring"; "Jordan's spring" and "Jordan spring" do not."""
    decomposed = unicodedata.normalize("NFD", reader_text(text))
    skeleton = "".join(prototype(char) for char in decomposed)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", skeleton).casefold())


# What the search keeps of transliterated text: ASCII letters, digits and spaces.
NOT_SEARCHED = re.compile(r"[^a-z0-9 ]")


def fold_for_search(text):
    """`text` as the fundraiser search compares it, page and query alike: `reader_text`,
    transliterated to ASCII (anyascii: "ł" -> "l", "ø" -> "o", "ß" -> "ss", "Иван" ->
    "ivan"), lower case, with every apostrophe, punctuation mark and symbol dropped
    ("Jordan’s" -> "jordans", "O’Brien" -> "obrien", "E." -> "e", "Ørsted-holdet" ->
    "orstedholdet"), and spaces collapsed. "  José ÁLVAREZ" -> "jose alvarez"."""
    ascii_text = anyascii(reader_text(text)).lower()
    return " ".join(NOT_SEARCHED.sub("", ascii_text).split())


def readable_slug(text):
    """A slug a reader can read from `text`: transliterated to ASCII (anyascii, as Wagtail's
    own slugs are), then Django's `slugify`: "Łukasz idzie dla ocałałych" ->
    "lukasz-idzie-dla-ocalalych", "Søren cykler for Ørsted-holdet" ->
    "soren-cykler-for-orsted-holdet". "" if nothing is left (only symbols)."""
    return slugify(anyascii(reader_text(text)))


# Scripts that are written together in one word (UTS #39's Japanese, Korean and
# traditional Chinese sets): a word mixing them is not mixed-script.
WRITTEN_TOGETHER = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)
NO_SCRIPT = frozenset({"COMMON", "INHERITED", "Unknown"})
WORD = re.compile(r"[^\W\d_]+")


def mixed_script_look_alike(text):
    """The first word of `text` that mixes scripts with a letter that looks like one of
    another script in it (UTS #39's mixed-script confusable: "Jоrdan" with a Cyrillic "о"),
    as `(word, letter, script)` ("Jоrdan", "о", "CYRILLIC"); None if there is none.

    A title wholly in one script ("Иван", "محمد", "Jordan's 10K") is never one; nor is a
    title whose words are each in one script ("Run for Україна"), nor a Japanese, Korean
    or Chinese word written in the scripts that go together (`WRITTEN_TOGETHER`).
    """
    for word in WORD.findall(unicodedata.normalize("NFKC", text or "")):
        scripts = {script_of(char) for char in word} - NO_SCRIPT
        if len(scripts) < 2 or any(scripts <= together for together in WRITTEN_TOGETHER):
            continue
        by_letters = sorted(scripts, key=lambda s: (-sum(script_of(c) == s for c in word), s))
        for script in by_letters:  # the word's main script first: the odd letter is the other
            found = confusables.is_confusable(word, preferred_aliases=[script])
            if found:
                return word, found[0]["character"], found[0]["alias"]
    return None


def script_name(script):
    """A script as a reader names it: "CYRILLIC" -> "Cyrillic", "OLD_ITALIC" -> "Old Italic"."""
    return script.replace("_", " ").title()
