"""The issuance extractor on the founding seed, tiny literal snippets and the traps filings set."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from edgar8k.transform.issuance import EXTRACTOR_VERSION, company_aliases, extract_issuances, split_sentences
from edgar8k.transform.model import FilingText, Segment, Transaction
from tests.corpus import require_shared


def plain(text: str) -> FilingText:
    return FilingText(text=text, segments=(Segment("8-K", 0, len(text)),), items=())


def extract(text: str, event: dt.date | None = dt.date(2021, 1, 5), company: str | None = "Acme Corp") -> list[Transaction]:
    return extract_issuances(plain(text), filing_date=None, event_date=event, company_name=company)


def seed_text() -> str:
    return (require_shared() / "seeds" / "000_c925b9460a6f9d51.txt").read_text()


def test_version_is_declared() -> None:
    assert EXTRACTOR_VERSION.count(".") == 2


def test_sentences_join_hard_wrapped_lines_and_keep_abbreviations() -> None:
    text = ("ITEM 5. OTHER EVENTS\n\nOn March 9, 2001, Neo, Inc. (\"Neo\") issued 1,250,000\n"
            "shares to IAT Syndicate Ltd.\nfor $5.00 per share. The U.S. holder\nagreed. Next one.")
    sents = [s.text for s in split_sentences(text)]
    assert sents == ["ITEM 5. OTHER EVENTS",
                     'On March 9, 2001, Neo, Inc. ("Neo") issued 1,250,000 shares to IAT Syndicate Ltd. for $5.00 per share.',
                     "The U.S. holder agreed.", "Next one."]


def test_sentence_offsets_index_the_text() -> None:
    text = "Heading\n\nFirst sentence here. Second\nsentence wraps."
    for s in split_sentences(text):
        assert text[s.start:s.end].replace("\n", " ") == s.text


def test_seed_comes_out_exactly_right() -> None:
    text = seed_text()
    txs = extract_issuances(plain(text), filing_date=dt.date(2001, 3, 13), event_date=dt.date(2001, 3, 9),
                            company_name="NEOTHERAPEUTICS INC")
    assert len(txs) == 1
    t = txs[0]
    assert (t.offering_type, t.registration, t.exemption) == ("registered_direct", "registered", None)
    assert t.aggregate_consideration == Decimal(5000000)
    assert (t.agreement_date, t.closing_date) == (dt.date(2001, 3, 8), dt.date(2001, 3, 9))
    assert t.purchasers == ["IAT ReInsurance Syndicate Ltd."]
    assert t.source_item == "5"
    stock, warrant = t.securities
    assert (stock.security_type, stock.shares, stock.price_per_share) == ("common_stock", 1250000, None)
    assert (warrant.security_type, warrant.shares, warrant.exercise_price, warrant.expiration_date) == (
        "warrant", 125000, Decimal("5.00"), dt.date(2006, 3, 8))
    assert warrant.price_per_share is None  # 107% of a 30-day average is not a price
    sentence = text[stock.evidence_start:stock.evidence_end]
    assert sentence.startswith("On March 9, 2001, NeoTherapeutics") and sentence.endswith("$5,000,000.")
    for sec in (stock, warrant):
        for e in sec.field_evidence:
            assert text[e.start:e.end] == e.value
    assert {e.field: e.value for e in warrant.field_evidence} == {
        "shares": "125,000", "exercise_price": "$5.00", "expiration_date": "March 8, 2006"}
    by_field = {e.field: e.value for e in t.field_evidence}
    assert by_field["aggregate_consideration"] == "$5,000,000"
    assert by_field["agreement_date"] == "March 8, 2001"


def test_units_with_warrants_and_a_term_resolved_against_closing() -> None:
    text = ("Item 8.01 Other Events.\n\nOn January 5, 2021, Acme Corp (the \"Company\") closed its underwritten "
            "public offering of 2,000,000 units at a public offering price of $4.00 per unit, each unit consisting "
            "of one share of common stock and one-half of one warrant. Each whole warrant has an exercise price "
            "of $4.50 per share and will expire five years from the date of issuance. The gross proceeds were "
            "approximately $8.0 million, before deducting underwriting discounts.")
    (t,) = extract(text)
    assert t.offering_type == "public_offering" and t.registration == "registered"
    assert t.aggregate_consideration == Decimal(8000000)
    assert t.closing_date == dt.date(2021, 1, 5)
    stock, warrant = t.securities
    assert (stock.security_type, stock.shares, stock.price_per_share) == ("common_stock", 2000000, Decimal("4.00"))
    assert (warrant.security_type, warrant.shares, warrant.exercise_price) == ("warrant", 1000000, Decimal("4.50"))
    assert (warrant.expiration_term, warrant.expiration_date) == ("five years", dt.date(2026, 1, 5))


def test_a_date_opening_the_sentence_after_stray_punctuation_still_dates_the_agreement() -> None:
    # sections cut from a page can keep the previous block's full stop or a bullet before "On ..."
    for lead in (".", "\u2022 ", ""):
        text = (f"Item 8.01 Other Events.\n\n{lead}On March 24, 2021, Acme Corp entered into an Underwriting "
                "Agreement for the sale of $400,000,000 aggregate principal amount of its First Mortgage Bonds "
                "due 2052. The sale of the Bonds closed on March 30, 2021.")
        (t,) = extract(text, event=dt.date(2021, 3, 30))
        assert (t.agreement_date, t.closing_date) == (dt.date(2021, 3, 24), dt.date(2021, 3, 30)), lead


def test_privately_negotiated_agreements_date_the_exchange() -> None:
    text = ("Item 3.02 Unregistered Sales of Equity Securities.\n\nOn May 25, 2021, Acme Corp entered into "
            "privately negotiated agreements with certain holders of its 1.00% Convertible Senior Notes due 2035 "
            "to exchange $100,000,000 aggregate principal amount of the notes for 4,200,000 shares of its common "
            "stock, in reliance on Section 4(a)(2) of the Securities Act.")
    (t,) = extract(text, event=dt.date(2021, 5, 25))
    assert t.agreement_date == dt.date(2021, 5, 25)


def test_notes_offering_each_series_is_a_security() -> None:
    text = ("Item 8.01 Other Events.\n\nOn January 5, 2021, Acme Corp entered into an underwriting agreement "
            "for the offer and sale of $500,000,000 aggregate principal amount of its 2.250% Senior Notes due 2031 "
            "and $750,000,000 aggregate principal amount of its 3.100% Senior Notes due 2051, pursuant to a "
            "registration statement on Form S-3.")
    (t,) = extract(text)
    assert [(s.security_type, s.principal_amount, s.shares) for s in t.securities] == [
        ("note", Decimal(500000000), None), ("note", Decimal(750000000), None)]
    assert t.registration == "registered" and t.agreement_date == dt.date(2021, 1, 5)


def test_private_placement_cites_the_exemption() -> None:
    text = ("Item 3.02 Unregistered Sales of Equity Securities.\n\nOn January 4, 2021, Acme Corp sold 500,000 shares "
            "of common stock at $2.00 per share to accredited investors for gross proceeds of $1,000,000. "
            "The shares were issued in reliance on Section 4(a)(2) of the Securities Act and Rule 506(b) of "
            "Regulation D.")
    (t,) = extract(text)
    assert (t.offering_type, t.registration) == ("private_placement", "exempt")
    assert t.exemption is not None and "Section 4(a)(2)" in t.exemption and "Rule 506(b)" in t.exemption
    assert t.purchasers == []
    (s,) = t.securities
    assert (s.shares, s.price_per_share) == (500000, Decimal("2.00"))


@pytest.mark.parametrize("text", [
    "On January 4, 2021, the Company repurchased 1,000,000 shares of its common stock at $3.00 per share.",
    "The Board declared a dividend of $0.25 per share of common stock payable to holders of record.",
    "On January 4, 2021, the Company granted options to purchase 250,000 shares of common stock at an exercise "
    "price of $3.00 per share to its Chief Executive Officer under its equity incentive plan.",
    "The selling stockholders may sell up to 2,000,000 shares of common stock from time to time.",
    "As of January 4, 2021, there were 25,000,000 shares of common stock outstanding.",
    "On January 4, 2021, the Company issued a press release announcing its results for the quarter.",
    "On January 4, 2021, Beta Inc. (\"Beta\") issued 1,000,000 shares of its common stock to Gamma LLC for $2.00 per share.",
])
def test_traps_are_not_issuances(text: str) -> None:
    assert extract("Item 8.01 Other Events.\n\n" + text) == []


def test_earlier_offering_is_not_reported_again() -> None:
    text = ("Item 8.01 Other Events.\n\nIn March 2019, the Company had sold 1,000,000 shares of common stock in a "
            "private placement completed on March 5, 2019.")
    assert extract(text) == []


def test_placement_agent_warrants_are_left_out() -> None:
    text = ("Item 1.01.\n\nOn January 4, 2021, Acme Corp entered into a securities purchase agreement with "
            "Alpha Fund LP pursuant to which it sold 1,000,000 shares of common stock at $1.50 per share in a "
            "registered direct offering. The Company also issued to the placement agent warrants to purchase "
            "50,000 shares of common stock at an exercise price of $1.875 per share.")
    (t,) = extract(text)
    assert [s.security_type for s in t.securities] == ["common_stock"]
    assert t.offering_type == "registered_direct"
    assert t.purchasers == ["Alpha Fund LP"]


def test_source_item_is_the_exhibit_label_for_press_releases() -> None:
    body = "Item 8.01 Other Events.\n\nSee the press release."
    pr = ("\n\nAcme Corp Announces Closing of Offering\n\nOn January 5, 2021, Acme Corp issued 3,000,000 shares "
          "of common stock at $1.00 per share in an underwritten public offering for gross proceeds of $3.0 million.")
    text = body + pr
    ft = FilingText(text=text, segments=(Segment("8-K", 0, len(body)), Segment("EX-99.1", len(body), len(text))))
    (t,) = extract_issuances(ft, filing_date=None, event_date=dt.date(2021, 1, 5), company_name="Acme Corp")
    assert t.source_item == "EX-99.1"
    assert t.securities[0].evidence_start >= len(body)


def test_registered_direct_with_prefunded_and_concurrent_private_warrants() -> None:
    text = ("Item 1.01 Entry into a Material Definitive Agreement.\n\nOn May 1, 2024, Acme Corp (the \"Company\") "
            "entered into a securities purchase agreement with certain institutional investors, pursuant to which the "
            "Company agreed to issue and sell, in a registered direct offering, (i) 1,500,000 shares of its common "
            "stock at a purchase price of $2.00 per share, (ii) pre-funded warrants to purchase up to 500,000 shares "
            "of common stock at a purchase price of $1.9999 per pre-funded warrant, and (iii) in a concurrent private "
            "placement, warrants to purchase up to 2,000,000 shares of common stock at an exercise price of $2.25 per "
            "share. The pre-funded warrants have an exercise price of $0.0001 per share. The warrants will be "
            "exercisable six months after issuance and will expire five and one-half years from the date of issuance. "
            "The gross proceeds are expected to be approximately $4.0 million. The offering is expected to close on "
            "or about May 3, 2024. The warrants were offered in reliance on Section 4(a)(2) of the Securities Act.")
    (t,) = extract(text, event=dt.date(2024, 5, 1))
    assert (t.offering_type, t.registration, t.exemption) == ("registered_direct", "mixed", "Section 4(a)(2)")
    assert (t.aggregate_consideration, t.agreement_date, t.closing_date) == (
        Decimal(4000000), dt.date(2024, 5, 1), dt.date(2024, 5, 3))
    stock, pre, warrant = t.securities
    assert (stock.shares, stock.price_per_share) == (1500000, Decimal("2.00"))
    assert (pre.security_type, pre.shares, pre.price_per_share, pre.exercise_price) == (
        "pre_funded_warrant", 500000, Decimal("1.9999"), Decimal("0.0001"))
    assert (warrant.shares, warrant.price_per_share, warrant.exercise_price, warrant.expiration_date) == (
        2000000, None, Decimal("2.25"), dt.date(2029, 11, 3))


def test_preferred_stock_stated_value_and_conversion_price() -> None:
    text = ("Item 3.02.\n\nOn May 1, 2024, the Company sold 5,000 shares of Series A Convertible Preferred Stock, "
            "stated value $1,000 per share, for an aggregate purchase price of $5,000,000. The Series A Preferred "
            "Stock is convertible into shares of common stock at a conversion price of $1.25 per share. The shares "
            "were sold in a private placement under Rule 506(b) of Regulation D.")
    (t,) = extract(text, event=dt.date(2024, 5, 1))
    (s,) = t.securities
    assert (s.security_type, s.shares, s.principal_amount, s.conversion_price) == (
        "preferred_stock", 5000, Decimal(5000000), Decimal("1.25"))
    assert t.aggregate_consideration == Decimal(5000000) and t.registration == "exempt"


def test_convertible_note_with_original_issue_discount() -> None:
    text = ("Item 2.03.\n\nOn May 1, 2024, the Company issued a senior secured convertible note in the principal "
            "amount of $2,750,000 to YA II PN, Ltd. for a purchase price of $2,500,000. The note is convertible "
            "into common stock at a conversion price of $0.50 per share and matures on May 1, 2025.")
    (t,) = extract(text, event=dt.date(2024, 5, 1))
    (s,) = t.securities
    assert (s.security_type, s.principal_amount, s.conversion_price, s.expiration_date) == (
        "convertible_note", Decimal(2750000), Decimal("0.50"), None)
    assert t.purchasers == ["YA II PN, Ltd."] and t.aggregate_consideration == Decimal(2500000)
    assert t.offering_type == "debt_financing"


def test_at_the_market_program_has_the_cap_and_no_share_count() -> None:
    text = ("Item 1.01.\n\nOn May 1, 2024, the Company entered into an At The Market Offering Agreement with "
            "H.C. Wainwright & Co., LLC, as sales agent, pursuant to which the Company may offer and sell, from time "
            "to time, shares of its common stock having an aggregate offering price of up to $10,000,000, under its "
            "shelf registration statement on Form S-3.")
    (t,) = extract(text, event=dt.date(2024, 5, 1))
    assert (t.offering_type, t.registration, t.aggregate_consideration) == (
        "at_the_market", "registered", Decimal(10000000))
    assert [(s.security_type, s.shares) for s in t.securities] == [("common_stock", None)]
    assert t.purchasers == []


def test_existing_notes_of_a_reopening_are_not_new_securities() -> None:
    text = ("Item 8.01.\n\nOn June 29, 2017, Acme Corp entered into a Terms Agreement with respect to the offer and "
            "sale of $250,000,000 aggregate principal amount of its 2.950% Notes Due 2027 (the \"New Notes\"). The New "
            "Notes constitute an additional issuance of the $750,000,000 aggregate principal amount of 2.950% Notes "
            "Due 2027 that the Company issued on June 6, 2017, all of which are still outstanding.")
    (t,) = extract(text, event=dt.date(2017, 6, 29))
    assert [s.principal_amount for s in t.securities] == [Decimal(250000000)]


def test_merger_exchange_ratio_is_acquisition_consideration_without_a_count() -> None:
    text = ("Item 1.01.\n\nOn January 4, 2021, Acme Corp entered into a merger agreement under which Acme will acquire "
            "Beta Inc., and each share of Beta common stock will be converted into the right to receive 0.5 shares of "
            "Acme common stock.")
    (t,) = extract(text)
    assert t.offering_type == "acquisition_consideration"
    assert [(s.security_type, s.shares) for s in t.securities] == [("common_stock", None)]


def test_note_series_sold_without_amounts_are_rows_with_no_principal() -> None:
    text = ("Item 8.01.\n\nThe Tender Offer was funded from the net proceeds from the issuance and sale by the Company on "
            "October 5, 2021 of its Floating Rate Senior Notes due 2024 and 2.100% Senior Notes due 2031.")
    (t,) = extract(text, event=dt.date(2021, 10, 5))
    assert [(s.security_type, s.security_title, s.principal_amount) for s in t.securities] == [
        ("note", "Floating Rate Senior Notes due 2024", None), ("note", "2.100% Senior Notes due 2031", None)]


def test_recap_of_an_earlier_closing_is_not_reported_again() -> None:
    text = ("Item 8.01.\n\nAs previously reported, on February 12, 2018, the Company consummated its initial public "
            "offering of 20,000,000 units. 6,500,000 of the Private Placement Warrants were sold to the Sponsor. "
            "On February 28, 2018, the Company consummated a private sale of an additional 240,000 Private Placement "
            "Warrants, generating gross proceeds of $240,000.")
    (t,) = extract(text, event=dt.date(2018, 2, 28))
    assert [(s.security_type, s.shares) for s in t.securities] == [("warrant", 240000)]
    assert t.aggregate_consideration == Decimal(240000)


def test_purchaser_named_by_its_defined_short_name() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp issued an unsecured promissory note in the principal amount of "
            "$1,500,000 to Alpha Capital Holdings LLC (the \"Sponsor\"). On January 5, 2021, Acme Corp sold 500,000 "
            "shares of common stock at $2.00 per share to the Sponsor in a private placement under Section 4(a)(2).")
    txs = extract(text)
    assert any(t.purchasers == ["Alpha Capital Holdings LLC"] for t in txs)


def test_notes_sold_by_a_subsidiary_are_not_the_registrants() -> None:
    text = ("Item 8.01.\n\nOn March 10, 2021, Acme Group Inc. (the \"Company\") announced the pricing of the private "
            "offering by Acme Operating, Inc. (\"Acme Op\"), an indirect wholly owned subsidiary of the Company. An "
            "aggregate of $3.5 billion in principal amount of 5.50% senior secured notes due 2026 are expected to be "
            "issued on March 24, 2021.")
    assert extract(text, event=dt.date(2021, 3, 10), company="Acme Group Inc.") == []


def test_offering_price_table_binds_prices_by_column() -> None:
    text = ("Item 8.01.\n\nOn May 1, 2024, Acme Corp sold 330,000 shares of common stock and pre-funded warrants to "
            "purchase up to 1,609,114 shares of common stock in a registered direct offering.\n\n"
            "Per Share | Per Pre-Funded Warrant | Total\nOffering price | $3.6100 | $3.6099 | $7,000,040.63\n")
    (t,) = extract(text, event=dt.date(2024, 5, 1))
    stock, pre = t.securities
    assert (stock.price_per_share, pre.price_per_share) == (Decimal("3.6100"), Decimal("3.6099"))
    assert t.aggregate_consideration == Decimal("7000040.63")
    e = next(e for e in pre.field_evidence if e.field == "price_per_share")
    assert text[e.start:e.end] == "$3.6099"


def test_registered_direct_with_concurrent_private_placement_is_one_mixed_deal() -> None:
    text = ("Item 8.01 Other Events.\n\n"
            "On January 4, 2021, Acme Corp entered into a securities purchase agreement with an institutional "
            "investor pursuant to which the Company agreed to issue and sell, in a registered direct offering, "
            "1,000,000 shares of its common stock at a price of $2.00 per share, pursuant to its effective shelf "
            "registration statement on Form S-3. "
            "In a concurrent private placement, the Company also agreed to issue and sell to the investor unregistered "
            "warrants to purchase up to 1,000,000 shares of common stock at an exercise price of $2.50 per share, "
            "in reliance on the exemption provided by Section 4(a)(2) of the Securities Act.\n")
    txs = extract(text)
    assert len(txs) == 1
    tx = txs[0]
    assert tx.offering_type == "registered_direct"
    assert tx.registration == "mixed"
    assert tx.exemption == "Section 4(a)(2)"
    assert sorted(s.security_type for s in tx.securities) == ["common_stock", "warrant"]


def test_speed_caches_keep_results_identical_on_repeat() -> None:
    text = ("Item 3.02 Unregistered Sales of Equity Securities.\n\n"
            "On January 4, 2021, Acme Corp issued 500,000 shares of common stock to Beta LLC for $1.00 per share "
            "in a private placement exempt under Section 4(a)(2).\n")
    first, second = extract(text), extract(text)
    assert first == second
    assert first[0].securities[0].shares == 500000


def test_note_title_may_list_numbered_series_with_commas() -> None:
    text = ("Item 8.01 Other Events.\n\n"
            "On January 4, 2021, the Company has offered up to $6,945,000 in aggregate principal amount of "
            "UIC-20J, 21J, 22J and 23J Secured Notes in a public offering pursuant to its registration statement "
            "on Form S-3.\n")
    txs = extract(text)
    assert len(txs) == 1
    sec = txs[0].securities[0]
    assert sec.security_type == "note"
    assert sec.principal_amount == Decimal("6945000")
    assert "21J" in sec.security_title


def test_reduced_offering_program_is_not_an_issuance() -> None:
    text = ("Item 8.01 Other Events.\n\n"
            "Pursuant to the Registration Statement and a prospectus supplement filed on January 10, 2020, the Company "
            "offered an aggregate principal amount of up to $1,956,000 of its Fixed Rate Secured Notes Series UIC-1I. "
            "Effective as of January 4, 2021, the Company has reduced the potential offering amount thereunder to $0.\n")
    assert extract(text) == []


def test_shares_outstanding_after_the_offering_are_not_sold() -> None:
    text = ("Item 8.01 Other Events.\n\n"
            "On January 4, 2021, Acme Corp sold 1,000,000 shares of its common stock at $2.00 per share in a "
            "registered direct offering.\n"
            "\nCommon Stock to Be Outstanding Immediately Following This Offering (1) | 9,000,000 shares of our Common "
            "Stock, assuming full exercise of the Pre-funded Warrants.\n")
    txs = extract(text)
    assert [s.shares for t in txs for s in t.securities] == [1000000]


def test_stock_named_by_the_registrants_initials_is_its_own() -> None:
    text = ("Item 2. Acquisition or Disposition of Assets.\n\n"
            "On January 4, 2021, Turner Broadcasting System, Inc. acquired New Line in a merger. "
            "Up to 21,312,174 shares of TBS Class B Common Stock are issuable upon exchange for the issued and "
            "outstanding shares of New Line Common Stock.\n")
    txs = extract(text, company="TURNER BROADCASTING SYSTEM INC")
    assert [s.shares for t in txs for s in t.securities] == [21312174]


def test_registering_shares_for_resale_is_not_an_issuance() -> None:
    text = ("Item 8.01 Other Events.\n\n"
            "On January 4, 2021, Acme Corp filed a prospectus supplement pursuant to its registration rights agreement "
            "to register for resale the 3,000,000 shares of the Company's common stock received by certain holders as "
            "consideration in the Company's acquisition of Beta LLC.\n")
    assert extract(text) == []


def test_price_per_pre_funded_warrant_is_not_given_to_common_warrants() -> None:
    from edgar8k.transform.issuance import _followup_target
    from edgar8k.transform.model import Security
    common = Security(security_type="warrant", security_title="Common Warrants")
    pf = Security(security_type="pre_funded_warrant", security_title="Pre-funded Warrants")
    text = "Offering price | $3.49 per share of common stock and $3.4899 per Pre-funded Warrant"
    assert _followup_target([common, pf], "offering", "pre-funded warrant", text) is pf
    assert _followup_target([common], "offering", "pre-funded warrant", text) is None


def test_public_float_price_is_not_an_offering_price() -> None:
    from edgar8k.transform.issuance import _is_negative
    assert _is_negative("As of March 6, 2026, the public float was $9,188,860, calculated based on 3,781,424 shares "
                        "of our outstanding common stock held by non-affiliates at a price of $2.43 per share.")


def test_subsidiary_issuer_scan_equals_the_one_regex_search() -> None:
    """_subsidiary_issuer tries each alternative only where it can begin; it must find exactly what
    one search for the whole pattern finds, on random sentences built from the pattern's own words."""
    import random
    import re

    from edgar8k.transform.issuance import _SUBSIDIARY_BY, _SUBSIDIARY_OF, _folded, _subsidiary_issuer

    reference = re.compile(_SUBSIDIARY_BY + "|" + _SUBSIDIARY_OF, re.IGNORECASE)
    words = ["offering", "Sale", "issuance", "notes", "note", "of", "the", "by", "issued by", "Acme Op",
             "an", "its", "indirect", "wholly-owned", "Wholly Owned", "subsidiary", "SUBSIDIARY", "of", ",", ";",
             "closed", "priced", "sold", "Company", "A", "İ"]
    rng = random.Random(11)
    found = 0
    for _ in range(20_000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
        want = bool(reference.search(text))
        found += want
        assert _subsidiary_issuer(text, _folded(text)) == want, text
    assert found > 20, "the sentences must exercise the pattern"


def test_per_share_price_goes_to_the_stock_and_per_warrant_price_to_the_pre_funded_warrant() -> None:
    (t,) = extract("On January 5, 2021, the Company agreed to sell 239,594 shares of its common stock and pre-funded "
                   "warrants to purchase up to 75,594 shares of common stock at an offering price of $3.49 per share "
                   "of common stock and $3.4899 per pre-funded warrant in a registered direct offering.")
    prices = {s.security_type: (s.shares, s.price_per_share) for s in t.securities}
    assert prices == {"common_stock": (239594, Decimal("3.49")), "pre_funded_warrant": (75594, Decimal("3.4899"))}


def test_the_company_part_of_an_offering_with_selling_stockholders_is_kept() -> None:
    (t,) = extract('On January 5, 2021, Acme Corp. (the "Company") and certain selling stockholders entered into an '
                   "underwriting agreement with Big Bank LLC for the sale by the Company of 6,773,000 shares of its "
                   "common stock and for the sale by the selling stockholders of an aggregate of 227,000 shares of "
                   "common stock. The shares were sold to the public at a price of $17.50 per share.")
    assert [(s.shares, s.price_per_share) for s in t.securities] == [(6773000, Decimal("17.50"))]
    assert t.agreement_date == dt.date(2021, 1, 5)
    (t,) = extract("On January 5, 2021, the Company sold 4,000,000 shares of common stock and 1,000,000 shares were "
                   "sold by the selling stockholders, at $12.00 per share in an underwritten public offering.")
    assert [s.shares for s in t.securities] == [4000000]
    assert extract("On January 5, 2021, the selling stockholders sold 1,000,000 shares of common stock at $12.00 "
                   "per share in an underwritten public offering.") == []
    for text in ("On January 5, 2021, the Company sold 4,000,000 shares of common stock and the Selling Stockholders "
                 "sold 1,000,000 shares of common stock in an underwritten public offering at $12.00 per share.",
                 "The offering closed on January 5, 2021: 1,000,000 shares were sold by the selling stockholders, and "
                 "the Company sold 4,000,000 shares of common stock at $12.00 per share.",
                 "On January 5, 2021, the underwriters purchased 4,000,000 shares by the Company and 1,000,000 shares "
                 "by the selling stockholders at $12.00 per share, following the sale by the Company of its shares "
                 "of common stock."):
        (t,) = extract(text)
        assert [s.shares for s in t.securities] == [4000000], text


def test_a_company_selling_a_division_does_not_excuse_a_repurchase() -> None:
    assert extract("On January 5, 2021, following the sale by the Company of its Widget division, the Board "
                   "authorized the repurchase of up to 5,000,000 shares of common stock.") == []


def test_an_expected_delivery_date_is_the_closing_date() -> None:
    (t,) = extract("On January 5, 2021, the Company entered into an underwriting agreement relating to the sale of "
                   "2,000,000 shares of its common stock at $3.00 per share. The Company expects to deliver the "
                   "shares against payment on or about January 8, 2021.")
    assert t.closing_date == dt.date(2021, 1, 8)
    (t,) = extract("On January 5, 2021, the Company entered into an underwriting agreement relating to the sale of "
                   "2,000,000 shares of its common stock at $3.00 per share. The underwriters expect to deliver the "
                   "shares of common stock to purchasers against payment on or about January 8, 2021.")
    assert t.closing_date == dt.date(2021, 1, 8)


@pytest.mark.parametrize(("text", "name", "alias", "absent"), [
    ('Zeta Bioscience Corporation ("ZetaBio") today announced', "Zeta Bioscience Corp", "zetabio", None),
    ('ZETA BIOSCIENCE CORPORATION, a Delaware corporation (the "Issuer"), sold', "Zeta Bioscience Corp", "issuer", None),
    ('MegaZeta Partners ("Mega") and Zeta Labs ("ZL")', "Zeta Labs Inc", "zl", "mega"),  # a word, not a suffix
    ('Zeta ("Z1") Zeta Bioscience ("Z2")', "Zeta Bioscience", "z1", None),
    ('Über Technologies GmbH ("Ubr") signed', "Über Technologies AG", "ubr", None),
])
def test_company_aliases_are_the_short_names_defined_after_the_registrants_name(
        text: str, name: str, alias: str, absent: str | None) -> None:
    aliases = company_aliases(text, name)
    assert alias in aliases and name.split()[0].lower() in aliases
    assert absent is None or absent not in aliases


@pytest.mark.skipif(not isinstance(getattr(re, "_cache", None), dict), reason="needs CPython's re._cache")
def test_extraction_compiles_no_pattern_per_company() -> None:
    """A pattern per company would churn the re module's cache of 512 over a backfill's thousands of
    companies: a compile and an eviction for nearly every filing."""
    text = 'On March 9, 2021, {0} Inc. ("{0}X") issued 1,250,000 shares of common stock to Fund LP for $5.00 per share.'
    re.purge()
    extract(text.format("Warmup"), company="Warmup Inc")
    cached = len(re._cache)
    for i in range(40):
        name = f"Company{i}"
        assert extract(text.format(name), company=f"{name} Inc")[0].securities[0].shares == 1_250_000
    assert len(re._cache) == cached
