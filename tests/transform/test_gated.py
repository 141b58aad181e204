"""The word gates must not change a single match: the words each alternative declares are in every
one of its matches, and the gated searches agree with the full patterns on the corpus's text."""

from __future__ import annotations

import re
import sys

import pytest

from edgar8k.transform import issuance, numbers
from edgar8k.transform.filing_text import build_filing_text
from edgar8k.transform.gated import LONG_TEXT, AnyOf, FirstOf, fold_ignorecase, lacks, search_from, search_gated
from edgar8k.transform.model import ParseError
from edgar8k.transform.sgml import parse_submission
from tests.corpus import require_shared

GATED = {"_NEGATIVE_SENTENCE": issuance._NEGATIVE_SENTENCE, "_ISSUE_VERB": issuance._ISSUE_VERB,
         "MONEY_RE": numbers.MONEY_RE, "DATE_RE": numbers.DATE_RE}
# Patterns searched only when the text holds one of the words.
WORD_LISTS = [
    ("_REGISTERED", issuance._REGISTERED, issuance._REGISTERED_WORDS),
    ("_EXEMPT", issuance._EXEMPT, issuance._EXEMPT_WORDS),
    ("_CITE_HINT", issuance._CITE_HINT, issuance._CITE_WORDS),
    ("_AGENT_WARRANT", issuance._AGENT_WARRANT, issuance._AGENT_WORDS),
    ("agent inline", re.compile(r"placement\s+agent|underwriter'?s?\s+warrant|representative'?s?\s+warrant", re.I),
     issuance._AGENT_WORDS),
    ("WORD_NUMBER_RE", numbers.WORD_NUMBER_RE, numbers._NUMBER_WORDS),
    ("_OPTION_GRANT", issuance._OPTION_GRANT, ("option",)),
    ("_COUNTLESS", issuance._COUNTLESS, ("common",)),
    ("par value", re.compile(r"\bpar\s+value\b", re.I), ("value",)),
    ("_PUBLIC_OFFERING", issuance._PUBLIC_OFFERING, ("offering",)),
    ("_HOLDERS_LIST", issuance._HOLDERS_LIST, ("holder",)),
    ("_HOLDER_OF", issuance._HOLDER_OF, ("holder",)),
] + [(kind, pattern, words) for kind, words, pattern in issuance._KIND_PATTERNS]


def _alternatives(gated: FirstOf | AnyOf) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
    return [(words, re.compile(source, gated.full.flags)) for words, source in gated.alternatives]


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    """The text of every corpus filing and document, its first 40,000 characters (the test's time)."""
    shared = require_shared()
    paths = sorted((shared / "corpus" / "filings").iterdir())
    paths += sorted(p for p in (shared / "corpus" / "documents").rglob("*") if p.is_file())
    texts = []
    for path in paths:
        try:
            texts.append(build_filing_text(parse_submission(path.read_bytes())).text[:40_000])
        except ParseError:
            continue
    return texts


@pytest.fixture(scope="module")
def corpus_sentences(corpus_texts: list[str]) -> list[str]:
    """Every third sentence of the corpus texts: the full patterns are slow (which is the point)."""
    return [s.text for text in corpus_texts for s in issuance.split_sentences(text)][::3]


def test_fold_maps_every_character_ignorecase_matches_to_an_ascii_letter() -> None:
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for m in re.finditer(letter, everything, re.IGNORECASE):
            assert letter in fold_ignorecase(m.group(0)), (letter, hex(ord(m.group(0))))
    assert fold_ignorecase("ſale ıssued KELVIN") == "sale issued kelvin"


def test_lacks() -> None:
    assert lacks("The Company sold shares.", ("repurchas", "tender"))
    assert not lacks("The Company REPURCHASED shares.", ("repurchas", "tender"))
    assert not lacks("ſelling", ("selling",))  # re.IGNORECASE matches 'ſ' to 's'


def test_first_of_is_the_whole_alternations_match() -> None:
    g = FirstOf(r"\b{}\b", [(("tender",), r"tender\s+offer"), (("offer",), r"offer"), (("tender",), r"tender")])
    for text in ["a tender offer", "an offer and a tender offer", "tender", "nothing here", "TENDER OFFER"]:
        full, gated = g.full.search(text), g.search(text)
        assert (full and (full.span(), full.group(0))) == (gated and (gated.span(), gated.group(0))), text
    assert g.search("a tender offer").group(0) == "tender offer"  # the earlier alternative at the same offset


def test_any_of_keeps_order_and_leaves_out_groups_of_ruled_out_alternatives() -> None:
    g = AnyOf([(("$",), r"\$(?P<a>\d+)"), (("usd",), r"(?P<b>\d+) USD")])
    assert [m.group(0) for m in g.finditer("5 USD then $6 and 7 usd")] == ["5 USD", "$6", "7 usd"]
    only_dollars = next(g.finditer("$6"))
    assert only_dollars.groupdict() == {"a": "6"}  # the USD alternative is not in the pattern used
    assert list(g.finditer("no money")) == []
    with pytest.raises(ValueError, match="at most 4"):
        AnyOf([(("x",), "x")] * 5)


@pytest.mark.parametrize("name", sorted(GATED))
def test_every_match_of_an_alternative_holds_one_of_its_words(name: str, corpus_texts: list[str]) -> None:
    checked = 0
    for words, pattern in _alternatives(GATED[name]):
        for text in corpus_texts:
            for m in pattern.finditer(text):
                assert any(w in fold_ignorecase(m.group(0)) for w in words), (name, pattern.pattern, m.group(0))
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("name,pattern,words", WORD_LISTS, ids=[n for n, _, _ in WORD_LISTS])
def test_every_match_of_a_word_gated_pattern_holds_one_of_its_words(
        name: str, pattern: re.Pattern[str], words: tuple[str, ...], corpus_texts: list[str]) -> None:
    for text in corpus_texts:
        for m in pattern.finditer(text):
            assert any(w in fold_ignorecase(m.group(0)) for w in words), (name, m.group(0))


@pytest.mark.parametrize("name", sorted(GATED))
def test_gated_search_agrees_with_the_full_pattern_on_every_corpus_sentence(name: str,
                                                                          corpus_sentences: list[str]) -> None:
    gated = GATED[name]
    for text in corpus_sentences:
        if isinstance(gated, FirstOf):
            full, got = gated.full.search(text), gated.search(text)
            assert (full and (full.span(), full.group(0))) == (got and (got.span(), got.group(0))), text
        else:
            full_matches = [(m.span(), {k: v for k, v in m.groupdict().items() if v is not None})
                            for m in gated.full.finditer(text)]
            got_matches = [(m.span(), {k: v for k, v in m.groupdict().items() if v is not None})
                           for m in gated.finditer(text)]
            assert full_matches == got_matches, text


def test_opening_reads_only_the_sentences_its_limit_needs(corpus_texts: list[str]) -> None:
    calls = 0
    for text in corpus_texts[::5]:
        sentences = issuance.split_sentences(text)
        for limit in (1, 80, 6000):
            reference = " ".join(s.text for s in sentences if not issuance._negative_sentence(s.text))[:limit]
            assert issuance._opening(sentences, limit) == reference
            calls += 1
    assert calls > 30


# Patterns searched only where one of their opening words stands (gated.search_from).
STARTS = [
    ("_PROSPECTUS", issuance._PROSPECTUS, issuance._PROSPECTUS_STARTS),
    ("_OFFERING_REDUCED", issuance._OFFERING_REDUCED, issuance._OFFERING_REDUCED_STARTS),
    ("_REGISTERED_DIRECT", issuance._REGISTERED_DIRECT, ("registered",)),
    ("_CONCURRENT_PLACEMENT", issuance._CONCURRENT_PLACEMENT, ("concurrent",)),
    ("_REGISTERED", issuance._REGISTERED, issuance._REGISTERED_STARTS),
    ("_EXEMPT", issuance._EXEMPT, issuance._EXEMPT_STARTS),
    *((f"cite {name}", pattern, issuance._CITE_STARTS[name]) for name, pattern in issuance._EXEMPTION_CITES),
    ("an alternation", re.compile(r"\b(?:warrants?|common\s+stock)\b", re.I), ("warrant", "common")),
] + [(kind, pattern, issuance._KIND_STARTS[kind]) for kind, _, pattern in issuance._KIND_PATTERNS
     if kind in issuance._KIND_STARTS]


def test_search_from_finds_the_leftmost_match_only_where_a_word_stands() -> None:
    pattern = re.compile(r"\b(?:reduc\w*|decreas\w*)\s+the\s+offering", re.I)
    text = "It DECREASED the Offering, then reduced the offering; unreduced the offering"
    m = search_from(pattern, text, fold_ignorecase(text), ("reduc", "decreas"))
    assert m is not None and m.span() == pattern.search(text).span() == (3, 25)
    tail = text[26:]
    assert search_from(pattern, tail, fold_ignorecase(tail), ("reduc", "decreas")).group(0) == "reduced the offering"
    assert search_from(pattern, "unreduced the offering", "unreduced the offering", ("reduc",)) is None  # \b holds
    assert search_from(pattern, "REDUCE THE OFFERING", "reduce the offering", ("decreas",)) is None  # words decide


@pytest.mark.parametrize("name,pattern,words", STARTS, ids=[n for n, _, _ in STARTS])
def test_search_from_agrees_with_search_on_the_corpus(name: str, pattern: re.Pattern[str], words: tuple[str, ...],
                                                      corpus_texts: list[str]) -> None:
    found = 0
    for text in corpus_texts:
        full, got = pattern.search(text), search_from(pattern, text, fold_ignorecase(text), words)
        assert (full and (full.span(), full.groups())) == (got and (got.span(), got.groups())), name
        found += full is not None
        for m in pattern.finditer(text):  # the words are where every match begins
            assert any(fold_ignorecase(m.group(0)).startswith(w) for w in words), (name, m.group(0))
    if name in ("_PROSPECTUS", "_REGISTERED", "_EXEMPT", "an alternation", "at_the_market", "public_offering", "sale", "private_placement"):
        assert found > 0, f"{name} matched nothing in the corpus: the comparison would prove nothing"


def test_recap_opening_is_the_recap_pattern(corpus_sentences: list[str]) -> None:
    samples = corpus_sentences + ["As previously reported, the Company sold", "(As previously disclosed) it sold",
                                  "_As previously reported", "As we reported", "Asked previously reported"]
    for text in samples:
        assert issuance._recap_opening(text) == (issuance._RECAP.match(text) is not None), text
    assert sum(map(issuance._recap_opening, samples)) >= 3


def test_search_gated_is_search_short_or_long() -> None:
    pattern = re.compile(r"\bregistered\s+direct", re.I)
    for text in ("a Registered Direct offering", "x" * LONG_TEXT + " then a REGISTERED direct offering",
                 "nothing here", "y" * LONG_TEXT + " registered, not direct"):
        got = search_gated(pattern, text, fold_ignorecase(text), ("direct",), ("registered",))
        full = pattern.search(text)
        assert (got and got.span()) == (full and full.span()), text
    assert search_gated(pattern, "Registered Direct", "registered direct", ("public",)) is None  # the words gate first
