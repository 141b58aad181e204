"""The number, money, date and term grammar on the odd forms real filings use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from edgar8k.transform.numbers import (
    Term, add_term, find_dates, find_money, find_numbers, find_terms, fraction_word, parse_date, parse_decimal,
    parse_money, parse_number, words_to_int,
)


@pytest.mark.parametrize("text, value", [
    ("1,250,000", Decimal(1250000)),
    ("1.25 million", Decimal(1250000)),
    ("approximately 3.2 million shares", Decimal(3200000)),
    ("an aggregate of 14.7 million shares", Decimal(14700000)),
    ("one million two hundred fifty thousand (1,250,000) shares", Decimal(1250000)),
    ("8,333,334 Units", Decimal(8333334)),
])
def test_counts(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


def test_spelled_out_number_with_digits_gives_one_value_citing_the_digits() -> None:
    text = "issued one million two hundred fifty thousand (1,250,000) shares"
    found = find_numbers(text)
    assert [(q.value, q.text) for q in found] == [(Decimal(1250000), "1,250,000")]
    assert text[found[0].start:found[0].end] == "1,250,000"


def test_spelled_out_number_alone() -> None:
    assert [q.value for q in find_numbers("issued one million shares")] == [Decimal(1000000)]
    assert words_to_int("one million two hundred fifty thousand") == 1250000
    assert words_to_int("twenty-five") == 25
    assert words_to_int("warrant") is None


@pytest.mark.parametrize("text, value, currency", [
    ("$5,000,000", Decimal(5000000), "USD"),
    ("$5.0 million", Decimal(5000000), "USD"),
    ("$5 million", Decimal(5000000), "USD"),
    ("$.75 per share", Decimal("0.75"), "USD"),
    ("$0.0001 per share", Decimal("0.0001"), "USD"),
    ("US$1.2 billion", Decimal(1200000000), "USD"),
    ("U.S. $12.50", Decimal("12.50"), "USD"),
    ("$1.15 billion", Decimal(1150000000), "USD"),
    ("C$1,250,000,000", Decimal(1250000000), "CAD"),
    ("EUR 1,000,000,000", Decimal(1000000000), "EUR"),
    ("€500 million", Decimal(500000000), "EUR"),
])
def test_money(text: str, value: Decimal, currency: str) -> None:
    found = find_money(text)
    assert len(found) == 1
    assert (found[0].value, found[0].currency) == (value, currency)


def test_money_qualifiers_and_offsets() -> None:
    text = "gross proceeds of approximately $3.2 million and up to $500,000,000"
    a, b = find_money(text)
    assert a.approximate and not a.up_to and text[a.start:a.end] == "$3.2 million"
    assert b.up_to and b.value == Decimal(500000000)


def test_money_is_not_counted_again_as_a_number() -> None:
    assert [q.value for q in find_numbers("sold 1,000 shares at $5.00 per share")] == [Decimal(1000)]


def test_parse_money_and_decimal_errors() -> None:
    assert parse_money("no money here") is None
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal("1,2x")


@pytest.mark.parametrize("text, value", [
    ("March 8, 2001", dt.date(2001, 3, 8)),
    ("March 8th, 2001", dt.date(2001, 3, 8)),
    ("March  8 , 2001", dt.date(2001, 3, 8)),
    ("8 March 2001", dt.date(2001, 3, 8)),
    ("the 8th day of March, 2001", dt.date(2001, 3, 8)),
    ("3/8/01", dt.date(2001, 3, 8)),
    ("03/08/2001", dt.date(2001, 3, 8)),
    ("Sept. 30, 2020", dt.date(2020, 9, 30)),
    ("Dec. 13, 1999", dt.date(1999, 12, 13)),
])
def test_dates(text: str, value: dt.date) -> None:
    assert parse_date(text) == value


def test_impossible_dates_and_wrapped_dates() -> None:
    assert find_dates("February 30, 2001") == []
    assert parse_date("until March\n8, 2006") == dt.date(2006, 3, 8)


@pytest.mark.parametrize("text, years, months", [
    ("expire five years from the date of issuance", 5, 0),
    ("expire five (5) years from issuance", 5, 0),
    ("a term of 4 years", 4, 0),
    ("an 18-month term", 0, 18),
    ("until the fifth anniversary of the closing", 5, 0),
    ("the 5th anniversary", 5, 0),
])
def test_terms(text: str, years: int, months: int) -> None:
    t = find_terms(text)[0]
    assert (t.years, t.months) == (years, months)


def test_add_term_resolves_against_a_date() -> None:
    five = Term(5, 0, 0, "five years", 0, 10)
    assert add_term(dt.date(2020, 10, 6), five) == dt.date(2025, 10, 6)
    assert add_term(dt.date(2020, 2, 29), Term(1, 0, 0, "one year", 0, 8)) == dt.date(2021, 2, 28)
    assert add_term(dt.date(2020, 1, 31), Term(0, 18, 0, "18 months", 0, 9)) == dt.date(2021, 7, 31)


def test_fraction_words() -> None:
    assert fraction_word("one-half") == Decimal("0.5")
    assert fraction_word("one") == Decimal(1)
    assert fraction_word("whole") is None


def test_fold_ignorecase_turns_every_ignorecase_spelling_of_an_ascii_word_into_that_word():
    import re

    from edgar8k.transform.numbers import fold_ignorecase

    # re.IGNORECASE lets these match "subsidiary", "item", "known": a substring test on the folded
    # text must find the word wherever the pattern could match it, at the same offset.
    for text, word in (("SUBSIDIARY", "subsidiary"), ("\u017fub\u017fidiary", "subsidiary"),
                       ("\u0130tem 2.01", "item"), ("\u0131tem", "item"), ("\u212aNOWN", "known"),
                       ("The Offering", "offering")):
        assert re.search(word, text, re.I)
        folded = fold_ignorecase(text)
        assert len(folded) == len(text)
        assert folded.find(word) == re.search(word, text, re.I).start()
    assert fold_ignorecase("\u00dcn\u00efcode") == "\u00fcn\u00efcode"


def test_the_transform_caches_are_small_enough_to_fill_early_in_a_run() -> None:
    # Keyed by sentence text and shared by every filing of a run: a cache that takes 100,000 filings to
    # fill makes a long run's memory creep to the end (the 100k scale benchmark: +70 MB over the run).
    from edgar8k.transform import issuance, numbers

    sizes = [fn.cache_parameters()["maxsize"] for mod in (issuance, numbers) for fn in vars(mod).values()
             if callable(fn) and hasattr(fn, "cache_parameters")]
    assert len(sizes) >= 10 and None not in sizes
    assert sum(sizes) <= 50_000, sum(sizes)
