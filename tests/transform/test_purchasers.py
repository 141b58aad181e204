"""Purchasers: the grammar that names the buyers, on tiny literal snippets (one per rule) and its traps."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from edgar8k.transform.issuance import extract_issuances
from edgar8k.transform.model import FilingText, Segment, Transaction


def extract(text: str, company: str | None = "Acme Corp") -> list[Transaction]:
    """The snippet's first date is the report's event date (an earlier date would read as an earlier deal)."""
    ft = FilingText(text=text, segments=(Segment("8-K", 0, len(text)),), items=())
    first = re.search(r"([A-Z][a-z]+ \d{1,2}, \d{4})", text)
    event = dt.datetime.strptime(first.group(1), "%B %d, %Y").date() if first else None
    txs = extract_issuances(ft, filing_date=None, event_date=event, company_name=company)
    for t in txs:  # every purchaser keeps the span where the filing writes it
        spans = [e for e in t.field_evidence if e.field == "purchasers"]
        assert len(spans) == len(t.purchasers)
        for e in spans:
            assert text[e.start:e.end] == e.value
    return txs


def purchasers(text: str, company: str | None = "Acme Corp") -> list[str]:
    txs = extract(text, company)
    assert txs, "the snippet must report an issuance"
    return [p for t in txs for p in t.purchasers]


def test_sold_to_a_list_of_funds_with_their_suffixes() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp sold 500,000 shares of common stock at $2.00 per share to "
            "Alpha Fund LP, Beta Capital, LLC and Gamma Partners, L.P. in a private placement under Section 4(a)(2).")
    assert purchasers(text) == ["Alpha Fund LP", "Beta Capital, LLC", "Gamma Partners, L.P."]


def test_a_fund_with_its_series_number() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp sold 500,000 shares of common stock at $2.00 per share to "
            "Alpha Opportunity Fund II in a private placement under Section 4(a)(2).")
    assert purchasers(text) == ["Alpha Opportunity Fund II"]


def test_a_name_in_capitals_with_its_suffix() -> None:
    text = ("ITEM 5. OTHER EVENTS\n\nOn March 9, 2001, the Registrant issued 1,250,000 shares of common stock to IAT "
            "REINSURANCE SYNDICATE LTD. for aggregate consideration of $5,000,000.")
    assert purchasers(text) == ["IAT REINSURANCE SYNDICATE LTD."]


def test_agreement_with_each_of_and_a_collective_defined_term() -> None:
    text = ("Item 1.01.\n\nOn March 14, 2022, the Company entered into subscription agreements with each of Delta "
            "Cinemas, Inc. (\"Delta\") and 1234567 Ontario Limited, an entity affiliated with John Doe (\"Ontario\" and "
            "together with Delta, the \"Purchasers\"), pursuant to which the Company agreed to sell to the Purchasers, "
            "in a private placement, an aggregate of 1,000,000 units at a purchase price of $1.00 per unit.")
    assert purchasers(text) == ["Delta Cinemas, Inc.", "1234567 Ontario Limited"]


def test_parties_among_the_company_include_a_name_without_suffix_listed_beside_suffixed_ones() -> None:
    text = ("Item 5.\n\nPursuant to the Securities Purchase Agreement dated as of April 14, 1999 among the Company, "
            "Alpha Partners LLC, Beta Management, Inc. and Gamma Ventures International, the Company issued and sold "
            "$20,000,000 aggregate principal amount of 6% Subordinated Convertible Debentures due 2004.")
    assert purchasers(text) == ["Alpha Partners LLC", "Beta Management, Inc.", "Gamma Ventures International"]


def test_fund_and_certain_of_its_affiliates_agreed_to_purchase() -> None:
    text = ("Item 1.01.\n\nOn April 7, 2008, Acme Corp entered into a Purchase Agreement by and among Acme, Omega "
            "Private Equity VIII, L.P. and certain of its affiliated entities (collectively \"Omega\") pursuant to "
            "which Omega agreed to purchase, and Acme agreed to sell, an aggregate of 5,760,369 shares of Acme common "
            "stock for an aggregate purchase price of $100,000,000 in a private placement.")
    assert purchasers(text) == ["Omega Private Equity VIII, L.P."]


def test_short_names_defined_elsewhere_in_the_filing_resolve_even_for_an_underwriters_representative() -> None:
    text = ("Item 8.01.\n\nOn February 12, 2018, the Company consummated its initial public offering of 20,000,000 "
            "units. The Company granted Kappa & Co. (\"Kappa\"), the representative of the several underwriters, a "
            "45-day option to purchase additional units. On February 12, 2018, simultaneously with the closing of the "
            "offering, the Company completed the private sale of an aggregate of 7,500,000 warrants (the \"Private "
            "Placement Warrants\"). 6,500,000 of the Private Placement Warrants were sold to Lambda Holdings LLC (the "
            "\"Sponsor\") and 1,000,000 Private Placement Warrants were sold to Kappa at a purchase price of $1.00 per "
            "Private Placement Warrant.")
    txs = extract(text)
    assert any(t.purchasers == ["Lambda Holdings LLC", "Kappa & Co."] for t in txs)


def test_a_natural_person_with_a_role_appositive() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp issued 100,000 shares of common stock to John E. Smith, the "
            "Company's Chief Executive Officer, at a purchase price of $1.00 per share in a private placement.")
    assert purchasers(text) == ["John E. Smith"]


def test_the_buyer_as_the_subject_who_purchased() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp entered into a stock purchase agreement under which Alpha Fund "
            "LP purchased 50,000 shares of common stock at $2.00 per share in a private placement.")
    assert purchasers(text) == ["Alpha Fund LP"]


def test_a_titled_person_who_purchased() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp sold 50,000 shares of common stock at $2.00 per share in a "
            "private placement, and Mr. John Roe purchased 10,000 of the shares.")
    assert purchasers(text) == ["John Roe"]


def test_named_stockholders_of_an_acquired_company_received_the_shares() -> None:
    text = ("ITEM 2. ACQUISITION OR DISPOSITION OF ASSETS\n\nOn June 28, 1996, Acme Corp entered into an Agreement and "
            "Plan of Reorganization and Merger with Beta Solutions, Inc. (\"Beta\") and its sole stockholders, Mary A. "
            "Jones and Robert Brown, pursuant to which a newly-formed subsidiary of the Company was merged with Beta. "
            "The stockholders of Beta received 534,919 newly issued shares of the Company's Common Stock (valued at the "
            "average closing price during a five day period prior to the closing) as consideration in the merger, "
            "which was consummated on June 28, 1996.")
    assert purchasers(text) == ["Mary A. Jones", "Robert Brown"]


def test_shareholders_of_the_target_named_after_the_role() -> None:
    text = ("Item 2.01.\n\nOn May 1, 2023, the Company issued 1,000,000 shares of common stock to the shareholders of "
            "Beta Labs, Inc., John Smith and Jane Doe, as consideration for all of the outstanding shares of Beta Labs, "
            "Inc.")
    assert purchasers(text) == ["John Smith", "Jane Doe"]


def test_sellers_of_an_acquired_business_and_lenders_named_after_from() -> None:
    acquisition = ("Item 2.01.\n\nOn May 1, 2023, the Company issued 1,000,000 shares of its common stock in the "
                   "acquisition of all of the outstanding shares of Beta Labs, Inc. from John Smith and Jane Doe.")
    loan = ("Item 2.03.\n\nOn May 1, 2023, the Company issued a promissory note in the principal amount of $500,000 to "
            "evidence a loan of $500,000 from Alpha Lending LLC.")
    assert purchasers(acquisition) == ["John Smith", "Jane Doe"]
    assert purchasers(loan) == ["Alpha Lending LLC"]


def test_a_creditor_whose_claim_is_settled_by_the_issuance() -> None:
    text = ("Item 3.02.\n\nOn October 6, 2021, the Company entered into a consulting agreement with Randy Smith "
            "(\"Smith\"). Remaining unpaid cash payments to Smith in the aggregate amount of $662,500 will be "
            "terminated in exchange for the issuance of an aggregate of up to 275,000 shares of Company common stock "
            "in a private placement under Section 4(a)(2) of the Securities Act.")
    assert purchasers(text) == ["Randy Smith"]


def test_the_registrants_sponsor_is_not_the_registrant() -> None:
    text = ("Item 2.03.\n\nOn January 2, 2020, Lambda Acquisition Corporation (the \"Company\") issued an unsecured "
            "promissory note in the principal amount of $1,500,000 to Lambda Acquisition Holdings LLC (the \"Sponsor\").")
    assert purchasers(text, company="LAMBDA ACQUISITION CORP") == ["Lambda Acquisition Holdings LLC"]


def test_a_buyer_defined_after_a_descriptive_appositive() -> None:
    text = ("Item 1.01.\n\nOn May 1, 2023, the Company entered into a securities purchase agreement with YA II PN, Ltd., "
            "a Cayman Islands exempted limited partnership (the \"Investor\"). On May 2, 2023, the Company sold to the "
            "Investor a convertible promissory note in the principal amount of $5,000,000 for a purchase price of "
            "$4,750,000.")
    assert purchasers(text) == ["YA II PN, Ltd."]


def test_a_role_or_group_before_the_names() -> None:
    sponsor = ("Item 3.02.\n\nOn May 1, 2023, the Company issued 1,000,000 shares of common stock to the Company's "
               "sponsor, Alpha Sponsor LLC, at a price of $0.01 per share.")
    including = ("Item 3.02.\n\nOn May 1, 2023, the Company sold 2,000,000 shares of common stock at $1.00 per share to "
                 "certain accredited investors, including John Smith, the Company's Chief Executive Officer, and Alpha "
                 "Ventures LLC.")
    assert purchasers(sponsor) == ["Alpha Sponsor LLC"]
    assert purchasers(including) == ["John Smith", "Alpha Ventures LLC"]


def test_a_government_department_as_the_buyer() -> None:
    text = ("Item 8.01.\n\nOn April 20, 2020, the Company issued to the United States Department of the Treasury "
            "(\"Treasury\") a promissory note in the principal amount of $1,000,000,000 and warrants to purchase "
            "5,000,000 shares of common stock at an exercise price of $12.51 per share.")
    assert purchasers(text) == ["United States Department of the Treasury"]


# -- traps: names that are not buyers ------------------------------------------------------------

def test_underwriters_are_not_purchasers() -> None:
    text = ("Item 1.01.\n\nOn May 1, 2021, the Company entered into an underwriting agreement with Morgan Stanley & Co. "
            "LLC, as representative of the several underwriters, relating to the sale of 5,000,000 shares of common "
            "stock at a public offering price of $10.00 per share.")
    assert purchasers(text) == []


def test_initial_purchasers_named_in_a_parenthetical_are_not_purchasers() -> None:
    text = ("Item 1.01.\n\nOn August 7, 2007, Acme Corp entered into a purchase agreement (the \"Purchase Agreement\") "
            "with Citigroup Global Markets Inc. and Goldman, Sachs & Co. (the \"Initial Purchasers\") to offer and sell "
            "$220,000,000 aggregate principal amount of its 2.75% Senior Convertible Debentures due 2027 in a private "
            "placement. The Debentures were sold to the Initial Purchasers for resale under Rule 144A.")
    assert purchasers(text) == []


def test_placement_agent_and_the_company_itself_are_left_out() -> None:
    text = ("Item 1.01.\n\nOn January 4, 2021, Acme Corp (\"Acme\") entered into a securities purchase agreement by "
            "and between Acme and Alpha Fund LP, pursuant to which Acme sold 1,000,000 shares of common stock at $1.50 "
            "per share to Alpha Fund LP in a registered direct offering. The Company issued to H.C. Wainwright & Co., "
            "LLC, as placement agent, warrants to purchase 50,000 shares of common stock.")
    assert purchasers(text) == ["Alpha Fund LP"]


def test_a_placement_agent_named_with_its_role_as_an_appositive() -> None:
    text = ("Item 3.02.\n\nOn January 4, 2021, Acme Corp sold 1,000,000 shares of common stock at $1.50 per share to "
            "Alpha Fund LP in a private placement and issued to Roth Capital Partners, LLC, the placement agent, "
            "warrants to purchase 50,000 shares of common stock at an exercise price of $1.875 per share.")
    assert purchasers(text) == ["Alpha Fund LP"]


def test_the_payee_of_a_fee_is_not_a_purchaser() -> None:
    text = ("Item 3.02.\n\nOn May 1, 2023, the Company sold 1,000,000 shares of common stock at $1.00 per share in a "
            "private placement to accredited investors and paid to Spartan Capital Securities LLC a cash fee of "
            "$70,000 in connection with the sale.")
    assert purchasers(text) == []


def test_funds_named_only_through_their_manager_are_unnamed() -> None:
    text = ("Item 1.01.\n\nOn January 13, 2020, the Company entered into subscription agreements with certain "
            "investment funds affiliated with or managed by Alpha Capital Management, L.P. and Beta Advisors LLC "
            "(collectively, the \"Initial Investors\"), pursuant to which the Company will issue and sell to the "
            "Initial Investors 6,500,000 shares of common stock at a purchase price of $10.00 per share.")
    assert purchasers(text) == []


def test_trustee_and_nominee_are_not_purchasers() -> None:
    text = ("Item 8.01.\n\nOn May 1, 2023, the Company issued $500,000,000 aggregate principal amount of 4.00% Senior "
            "Notes due 2030 to Cede & Co., as nominee of The Depository Trust Company, under an indenture with U.S. "
            "Bank Trust Company, National Association, as trustee.")
    assert purchasers(text) == []


def test_the_issuer_of_exchanged_notes_is_not_a_purchaser() -> None:
    text = ("Item 8.01.\n\nOn August 2, 2021, the Company issued $700,000,000 aggregate principal amount of 5.375% "
            "Senior Notes due 2029 in exchange for the outstanding 5.375% Senior Notes due 2029 issued by Indigo "
            "Resources LLC.")
    assert purchasers(text) == []


@pytest.mark.parametrize("name", ["Common Stock", "Section 4", "Purchase Agreement", "Nasdaq Capital Market",
                                  "Qualified Institutional Buyers", "Accredited Investors"])
def test_capitalised_words_after_to_are_not_names(name: str) -> None:
    text = (f"Item 3.02.\n\nOn January 4, 2021, Acme Corp sold 500,000 shares of common stock at $2.00 per share to "
            f"{name} in a private placement.")
    assert purchasers(text) == []
