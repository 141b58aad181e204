"""Word gates in front of the extractor's large case-insensitive patterns.

An IGNORECASE alternation gets no literal-prefix scan from the re module: it is tried at every offset
of the text, each of its alternatives in turn, and sentence-level searches with such patterns were a
third of the transform's time. Most alternatives need a word the sentence does not hold, and an
alternative that needs a word the text lacks cannot match anywhere in it: leaving it out changes no
match, neither whether there is one nor which. A sentence is folded once (fold_ignorecase) and only the
alternatives whose words it holds are searched.

Patterns are all compiled up front: a pattern compiled per combination of words would fill a cache
that grows with the variety of the text a run reads.
"""

import re
from collections.abc import Iterator, Sequence

# An alternative and its words (lower case ASCII, or the symbol itself): each match holds one of them.
Alternative = tuple[tuple[str, ...], str]


_IGNORECASE_SPECIALS = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def fold_ignorecase(text: str) -> str:
    """text lower-cased so that every character an IGNORECASE pattern's ASCII letter can match becomes
    that letter: a lower-case ASCII word such a pattern must match is then a plain substring of it.
    Offsets carry over: U+0130 is the one character whose lower() is longer, and it is mapped first."""
    if not text.isascii() and any(chr(c) in text for c in _IGNORECASE_SPECIALS):
        text = text.translate(_IGNORECASE_SPECIALS)
    return text.lower()


def lacks(text: str, words: Sequence[str]) -> bool:
    """True when text holds none of `words`: a pattern every match of which holds one cannot match."""
    low = fold_ignorecase(text)
    for w in words:
        if w in low:
            return False
    return True


def search_from(pattern: re.Pattern[str], text: str, folded: str, words: Sequence[str]) -> re.Match[str] | None:
    """pattern.search(text) for a pattern each match of which begins with one of `words` (lower-case
    ASCII; folded = fold_ignorecase(text)): the pattern is tried only where one of the words stands.
    An IGNORECASE pattern otherwise runs at every offset of the text, ~50-80 ns a character, which
    over a long filing is milliseconds a search. The earliest start is search's match: the same span
    and groups, since match at that offset runs the same engine (lookbehinds and \\b see the text before it)."""
    best: re.Match[str] | None = None
    for w in words:
        i = folded.find(w)
        while i >= 0 and (best is None or i < best.start()):
            m = pattern.match(text, i)
            if m is not None:
                best = m
                break
            i = folded.find(w, i + 1)
    return best


LONG_TEXT = 400  # characters: above this a search from the opening words beats a whole-text scan


def search_gated(pattern: re.Pattern[str], text: str, folded: str, words: Sequence[str],
                 starts: Sequence[str] | None = None) -> re.Match[str] | None:
    """pattern.search(text) for a pattern every match of which holds one of `words` (see lacks) and, when
    `starts` is given, begins with one of them (see search_from): None at once when folded lacks the
    words, and a long text searched only from the starts."""
    for w in words:
        if w in folded:
            break
    else:
        return None
    if starts is not None and len(text) > LONG_TEXT:
        return search_from(pattern, text, folded, starts)
    return pattern.search(text)


def _by_word(alternatives: Sequence[Alternative]) -> list[tuple[str, tuple[int, ...]]]:
    """Each word once, with the alternatives that need it."""
    by_word: dict[str, list[int]] = {}
    for i, (words, _) in enumerate(alternatives):
        for w in words:
            by_word.setdefault(w, []).append(i)
    return [(w, tuple(ix)) for w, ix in by_word.items()]


class FirstOf:
    """template.replace("{}", "(?:alt_1|...|alt_n)") for a long alternation, searched one alternative
    at a time and only those the text's words allow. The leftmost of their matches, the earliest
    alternative among those at the same offset, is the match of the whole alternation."""

    __slots__ = ("alternatives", "full", "_alternatives")

    def __init__(self, template: str, alternatives: Sequence[Alternative], flags: int = re.IGNORECASE):
        self.alternatives = tuple(alternatives)
        self.full = re.compile(template.replace("{}", f"(?:{'|'.join(a for _, a in alternatives)})"), flags)
        self._alternatives = [(words, re.compile(template.replace("{}", f"(?:{a})"), flags))
                              for words, a in alternatives]

    def search(self, text: str) -> re.Match[str] | None:
        low = fold_ignorecase(text)
        best = None
        for words, pattern in self._alternatives:
            for w in words:
                if w in low:
                    break
            else:
                continue
            m = pattern.search(text)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best


class AnyOf:
    """alt_1|...|alt_n for a few alternatives (each compiled subset is kept, 2**n of them), searched
    with only those the text's words allow: the same matches, in the same order, as the whole."""

    __slots__ = ("alternatives", "full", "_variants", "_words")

    def __init__(self, alternatives: Sequence[Alternative], flags: int = re.IGNORECASE):
        if len(alternatives) > 4:
            raise ValueError("AnyOf keeps a pattern per subset of its alternatives: use at most 4")
        self.alternatives = tuple(alternatives)
        self.full = re.compile("|".join(f"(?:{a})" for _, a in alternatives), flags)
        self._variants: list[re.Pattern[str] | None] = [None]
        for mask in range(1, 1 << len(alternatives)):
            self._variants.append(re.compile(
                "|".join(f"(?:{a})" for i, (_, a) in enumerate(alternatives) if mask >> i & 1), flags))
        self._words = [(w, sum(1 << i for i in ix)) for w, ix in _by_word(alternatives)]

    def pattern_for(self, text: str) -> re.Pattern[str] | None:
        """None when no alternative can match text."""
        low = fold_ignorecase(text)
        mask = 0
        for w, bits in self._words:
            if w in low:
                mask |= bits
        return self._variants[mask]

    def search(self, text: str) -> re.Match[str] | None:
        p = self.pattern_for(text)
        return p.search(text) if p is not None else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        p = self.pattern_for(text)
        return p.finditer(text) if p is not None else iter(())
