"""Text as a reader sees it (northstar.text): the key unique names are compared by, the
search folding, readable slugs, and words that mix look-alike alphabets."""

import pytest

from northstar.text import (
    fold_for_search,
    look_alike_key,
    mixed_script_look_alike,
    readable_slug,
    reader_text,
)

TITLE = "Jordan's spring 10K for survivors"

# Each reads as TITLE: the cases, then the neighbours of each kind.
LOOK_ALIKES = {
    "two spaces before 'for'": "Jordan's spring 10K  for survivors",
    "a no-break space": "Jordan's spring 10K for\u00a0survivors",
    "a trailing zero-width joiner": TITLE + "\u200d",
    "a curly apostrophe": "Jordan’s spring 10K for survivors",
    "a Cyrillic о": "J\u043erdan's spring 10K for survivors",
    "capitals": "JORDAN'S SPRING 10K FOR SURVIVORS",
    "a tab": "Jordan's spring 10K for\tsurvivors",
    "a line break": "Jordan's spring 10K for\nsurvivors",
    "an em space": "Jordan's spring 10K for\u2003survivors",
    "an ideographic space": "Jordan's spring 10K for\u3000survivors",
    "a thin space": "Jordan's spring 10K for\u2009survivors",
    "spaces at the ends": "  Jordan's spring 10K for survivors ",
    "a zero-width space": "Jordan's spr\u200bing 10K for survivors",
    "a zero-width non-joiner in a Latin word": "Jordan's spr\u200cing 10K for survivors",
    "a word joiner": "Jordan's\u2060 spring 10K for survivors",
    "a soft hyphen": "Jordan's spr\u00ading 10K for survivors",
    "a left-to-right mark": "\u200eJordan's spring 10K for survivors",
    "a right-to-left override": "\u202eJordan's spring 10K for survivors\u202c",
    "a byte-order mark": "\ufeffJordan's spring 10K for survivors",
    "a variation selector": "Jordan's spring\ufe0f 10K for survivors",
    "a Hangul filler for a space": "Jordan's spring 10K for\u3164survivors",
    "fullwidth letters": "Ｊｏｒｄａｎ's ｓｐｒｉｎｇ １０Ｋ for survivors",
    "a fullwidth apostrophe": "Jordan＇s spring 10K for survivors",
    "a left single quote": "Jordan‘s spring 10K for survivors",
    "a modifier letter apostrophe": "Jordanʼs spring 10K for survivors",
    "a prime": "Jordan′s spring 10K for survivors",
    "a backtick": "Jordan`s spring 10K for survivors",
    "an acute accent": "Jordan´s spring 10K for survivors",
    "a Greek ο": "J\u03bfrdan's spring 10K for survivors",
    "an l for the 1 and an O for the 0": "Jordan's spring lOK for survivors",
}


@pytest.mark.parametrize("title", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_title_that_reads_the_same_has_the_same_key(title):
    assert look_alike_key(title) == look_alike_key(TITLE)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Jordan's spring 10K", "Jordan spring 10K"),
        ("Jordan's spring 10K", "Jordans spring 10K"),
        ("José's walk", "Jose's walk"),
        ("می\u200cخواهم", "میخواهم"),  # Persian: the ZWNJ keeps two letters apart
        ("क्\u200dष", "क्ष"),  # Hindi: the ZWJ shows the half form
        ("ക്\u200dക", "ക്ക"),  # Malayalam
        ("Иван бежит", "Ivan bezhit"),
    ],
)
def test_titles_a_reader_tells_apart_have_different_keys(one, other):
    assert look_alike_key(one) != look_alike_key(other)


def test_quotes_of_every_kind_are_one_mark():
    assert reader_text("“Run” «fast» „now“ ‹go›") == "'run' 'fast' 'now' 'go'"


def test_the_reader_text_keeps_a_joiner_between_letters_of_a_joining_script_only():
    assert reader_text("می\u200cخواهم") == "می\u200cخواهم"
    assert reader_text("ab\u200cc\u200d") == "abc"
    assert reader_text("\u200dمی") == "می"


@pytest.mark.parametrize(
    "typed, folded",
    [
        ("Jordan’s", "jordans"),
        ("Jordan's", "jordans"),
        ("Jordan E.", "jordan e"),
        ("Kevin O’Brien", "kevin obrien"),
        ("Łukasz Żółw", "lukasz zolw"),
        ("Søren Ørsted-holdet", "soren orstedholdet"),
        ("æ œ ß þ ı đ", "ae oe ss th i d"),
        ("  José  ÁLVAREZ ", "jose alvarez"),
        ("Straße", "strasse"),
        ("Иван", "ivan"),
        ("Ｊｏｒｄａｎ", "jordan"),
        ("Run\u00a0/ walk — 5K!", "run walk 5k"),
    ],
)
def test_the_search_folds_case_accents_letters_and_punctuation(typed, folded):
    assert fold_for_search(typed) == folded


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Łukasz idzie dla ocalałych", "lukasz-idzie-dla-ocalalych"),
        ("Søren cykler for Ørsted-holdet", "soren-cykler-for-orsted-holdet"),
        ("Jordan’s spring 10K", "jordans-spring-10k"),
        ("Straße der Hoffnung", "strasse-der-hoffnung"),
        ("Иван бежит", "ivan-bezhit"),
        ("!!!", ""),
    ],
)
def test_a_slug_is_a_readable_transliteration(title, slug):
    assert readable_slug(title) == slug


def test_a_word_mixing_a_look_alike_letter_of_another_alphabet_is_found():
    assert mixed_script_look_alike("J\u043erdan's spring") == ("J\u043erdan", "\u043e", "CYRILLIC")
    assert mixed_script_look_alike("Run for \u03b1lpha") == ("\u03b1lpha", "\u03b1", "GREEK")


@pytest.mark.parametrize(
    "title",
    [
        "Jordan's spring 10K for survivors",
        "Иван бежит за выживших",  # Cyrillic only
        "Ελπίδα για όλους",  # Greek only
        "محمد يركض",  # Arabic
        "می\u200cخواهم بدوم",  # Persian, with a ZWNJ
        "मैं दौड़ूँगा क्\u200dष",  # Hindi, with a ZWJ
        "שלום לכולם",  # Hebrew
        "东京马拉松",  # Chinese
        "東京マラソンを走る",  # Japanese: Han, katakana and hiragana in one word
        "서울 마라톤 韓國",  # Korean
        "Run for Україна",  # each word in one script
        "Maria's walk (2025) — 5 km, 100%!",  # Latin, digits and punctuation
        "Ｊｏｒｄａｎ",  # fullwidth Latin is Latin
    ],
)
def test_a_title_whose_words_are_each_in_one_script_is_not_mixed(title):
    assert mixed_script_look_alike(title) is None
