"""Item headings in both numbering schemes, and header titles to item numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from edgar8k.transform.items import item_numbers_from_titles, split_items

OLD = dt.date(2001, 3, 13)
NEW = dt.date(2019, 11, 15)


def numbers(text: str, date: dt.date | None) -> list[str]:
    return [s.number for s in split_items(text, date)]


def test_legacy_items_and_their_spans() -> None:
    text = ("FORM 8-K\n\nITEM 5. OTHER EVENTS\n\nOn March 9, 2001, the Company issued 1,250,000 shares.\n\n"
            "ITEM 7. FINANCIAL STATEMENTS AND EXHIBITS\n\n(c) Exhibits\n10.1 Securities Purchase Agreement\n")
    five, seven = split_items(text, OLD)
    assert (five.number, five.title, seven.number, seven.title) == (
        "5", "OTHER EVENTS", "7", "FINANCIAL STATEMENTS AND EXHIBITS")
    assert text[five.start:five.end].startswith("ITEM 5. OTHER EVENTS")
    assert "1,250,000 shares" in text[five.start:five.end]
    assert five.end == seven.start and seven.end == len(text)


@pytest.mark.parametrize("heading", ["Item 5 - Other Events", "ITEM 5: OTHER EVENTS", "Item 5.\tOther Events.",
                                     "ITEM 5 -- OTHER EVENTS", "  Item  5.  Other Events"])
def test_legacy_heading_punctuation(heading: str) -> None:
    assert numbers(f"{heading}\nThe Company sold shares to investors in a private placement.\n", OLD) == ["5"]


def test_modern_items_with_split_number_and_table_cells() -> None:
    text = ("Item 2.  02 Results of Operations and Financial Condition.\nOn May 1 the Company reported results.\n"
            "Item 3.02 | Unregistered Sales of Equity Securities.\nThe Company issued 100 shares to the seller.\n"
            "ITEM 9.01. FINANCIAL STATEMENTS AND EXHIBITS\n(d) Exhibits\n")
    sections = split_items(text, NEW)
    assert [(s.number, s.title) for s in sections] == [
        ("2.02", "Results of Operations and Financial Condition"),
        ("3.02", "Unregistered Sales of Equity Securities"),
        ("9.01", "FINANCIAL STATEMENTS AND EXHIBITS")]


def test_items_reported_together_share_one_section() -> None:
    text = ("Items 1.01 and 3.02 Entry into a Material Definitive Agreement; Unregistered Sales of Equity Securities\n"
            "On June 1, the Company sold 5,000,000 shares in a private placement.\n"
            "Items 2.03(a) , 5.02(e) and 8.01 Amendments\nMore text about the amendments here.\n")
    sections = split_items(text, NEW)
    assert [s.number for s in sections] == ["1.01", "3.02", "2.03", "5.02", "8.01"]
    assert sections[0].start == sections[1].start and sections[0].end == sections[1].end
    assert "5,000,000 shares" in text[sections[1].start:sections[1].end]
    assert sections[2].start == sections[3].start == sections[4].start


def test_table_of_contents_is_not_taken_for_the_body() -> None:
    text = ("TABLE OF CONTENTS\nItem 1.01 Entry into a Material Definitive Agreement\n"
            "Item 3.02 Unregistered Sales of Equity Securities\nItem 9.01 Financial Statements and Exhibits\n"
            "Cover page text: the registrant's address, telephone number and other cover information.\n\n"
            "Item 1.01 Entry into a Material Definitive Agreement\nOn May 1 the Company entered into an agreement.\n"
            "Item 3.02 Unregistered Sales of Equity Securities\nThe Company issued 1,000,000 shares of common stock.\n"
            "Item 9.01 Financial Statements and Exhibits\n(d) Exhibits 10.1 Purchase Agreement\n")
    sections = split_items(text, NEW)
    assert [s.number for s in sections] == ["1.01", "3.02", "9.01"]
    body = text.index("Item 1.01", 100)
    assert sections[0].start == body
    assert text[sections[1].start:sections[1].end].startswith("Item 3.02 Unregistered Sales of Equity Securities\nThe Company")


def test_legacy_toc_with_dot_leaders() -> None:
    text = ("Item 5 - Other Events..................................   3\n\nSignature..........   4\n\n"
            "ITEM 5 -- OTHER EVENTS\n\n     Pursuant to contractual obligations with the sellers, the Company issued shares.\n")
    (five,) = split_items(text, OLD)
    assert text[five.start:].startswith("ITEM 5 -- OTHER EVENTS")


def test_references_to_items_are_not_headings() -> None:
    text = ("Item 8.01 Other Events\nThe information set forth under\nItem 2.02 of this Current Report is incorporated"
            " by reference.\nItems 1 through 4, 6 and 8 Not Applicable.\nThe item is described in Item 3.02 above.\n")
    assert numbers(text, NEW) == ["8.01"]


def test_era_decides_which_numbers_are_items() -> None:
    assert numbers("Item 12. Results of Operations and Financial Condition\nText.\n", dt.date(2003, 10, 21)) == ["12"]
    assert numbers("Item 12. Results of Operations and Financial Condition\nText.\n", NEW) == []
    assert numbers("Item 8.01 Other Events\nText.\n", OLD) == []
    assert numbers("Item 8.01 Other Events\nText.\nItem 5. Other events\nMore.\n", None) == ["8.01", "5"]
    assert numbers("Item 4.09 Not an item\nText.\n", NEW) == []


def test_no_items() -> None:
    assert split_items("", NEW) == ()
    assert split_items("A press release with no item headings at all.", NEW) == ()


def test_header_titles_to_numbers_by_era() -> None:
    assert item_numbers_from_titles(["Other Events", "Financial Statements and Exhibits"], NEW) == ["8.01", "9.01"]
    assert item_numbers_from_titles(["Other events", "Financial statements and exhibits"], OLD) == ["5", "7"]
    assert item_numbers_from_titles(["Regulation FD Disclosure", "Results of Operations and Financial Condition"],
                                    dt.date(2003, 10, 1)) == ["9", "12"]
    assert item_numbers_from_titles(["Acquisition or disposition of assets", "Changes in control of registrant"],
                                    dt.date(1996, 11, 25)) == ["2", "1"]


def test_header_title_variants_and_numbers_pass_through() -> None:
    titles = [
        "Entry into a Material Definitive Agreement",
        "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers: "
        "Compensatory Arrangements of Certain Officers",
        "Departure of Directors or Principal Officers; Election of Directors; Appointment of Principal Officers",
        "Cost Associated with Exit or Disposal Activities",
        "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or Completed Interim Review",
        "UNREGISTERED SALES OF EQUITY SECURITIES",
        "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement of a Registrant",
        "5.02", "9.01", "Item 3.02", "", "Something unknown",
    ]
    assert item_numbers_from_titles(titles, dt.date(2025, 1, 8)) == [
        "1.01", "5.02", "2.05", "4.02", "3.02", "2.03", "9.01"]
    assert item_numbers_from_titles(["5", "7", "7"], dt.date(1994, 3, 22)) == ["5", "7"]


MODERN_TITLES = {
    "1.01": "Entry into a Material Definitive Agreement", "1.02": "Termination of a Material Definitive Agreement",
    "1.03": "Bankruptcy or Receivership", "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
    "1.05": "Material Cybersecurity Incidents", "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement of a "
            "Registrant",
    "2.04": "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an Obligation under an "
            "Off-Balance Sheet Arrangement",
    "2.05": "Costs Associated with Exit or Disposal Activities", "2.06": "Material Impairments",
    "3.01": "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; Transfer of Listing",
    "3.02": "Unregistered Sales of Equity Securities", "3.03": "Material Modification to Rights of Security Holders",
    "4.01": "Changes in Registrant's Certifying Accountant",
    "4.02": "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or Completed Interim Review",
    "5.01": "Changes in Control of Registrant",
    "5.02": "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers; "
            "Compensatory Arrangements of Certain Officers",
    "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
    "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "5.05": "Amendment to Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics",
    "5.06": "Change in Shell Company Status", "5.07": "Submission of Matters to a Vote of Security Holders",
    "5.08": "Shareholder Director Nominations", "6.01": "ABS Informational and Computational Material",
    "6.02": "Change of Servicer or Trustee", "6.03": "Change in Credit Enhancement or Other External Support",
    "6.04": "Failure to Make a Required Distribution", "6.05": "Securities Act Updating Disclosure",
    "7.01": "Regulation FD Disclosure", "8.01": "Other Events", "9.01": "Financial Statements and Exhibits",
}
LEGACY_TITLES = {
    "1": "Changes in Control of Registrant", "2": "Acquisition or Disposition of Assets",
    "3": "Bankruptcy or Receivership", "4": "Changes in Registrant's Certifying Accountant",
    "5": "Other Events and Required FD Disclosure", "6": "Resignations of Registrant's Directors",
    "7": "Financial Statements, Pro Forma Financial Information and Exhibits", "8": "Change in Fiscal Year",
    "9": "Regulation FD Disclosure", "10": "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision "
                                            "of the Code of Ethics",
    "11": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "12": "Results of Operations and Financial Condition",
}


@pytest.mark.parametrize(("number", "title"), sorted(MODERN_TITLES.items()))
def test_every_current_title_maps_to_its_number(number: str, title: str) -> None:
    assert item_numbers_from_titles([title], dt.date(2024, 8, 23)) == [number]
    assert item_numbers_from_titles([title.upper()], dt.date(2004, 8, 23)) == [number]


@pytest.mark.parametrize(("number", "title"), sorted(LEGACY_TITLES.items()))
def test_every_legacy_title_maps_to_its_number(number: str, title: str) -> None:
    assert item_numbers_from_titles([title], dt.date(2004, 8, 22)) == [number]


def test_regulation_s_sales_of_the_1990s() -> None:
    assert item_numbers_from_titles(["Sales of Equity Securities Pursuant to Regulation S"], dt.date(1997, 5, 1)) == ["9"]


def test_heading_run_into_its_first_sentence_keeps_only_the_title() -> None:
    text = "Item 8.01 Other Events. On May 1, 2020, the Company issued 100 shares. More text follows here.\n"
    (section,) = split_items(text, NEW)
    assert (section.number, section.title, section.start, section.end) == ("8.01", "Other Events", 0, len(text))


def test_hard_wrapped_references_and_body_lines_are_not_headings_or_titles() -> None:
    text = ("ITEM 2. ACQUISITION OR DISPOSITION OF ASSETS\n\nThe Company acquired JasTech.\n\n"
            "Item 5.\n\n     On October 7, 1996, the Company completed the acquisition of Data\n"
            "Processing Professionals, Inc.\n\nITEM 7.\n\nFINANCIAL STATEMENTS AND EXHIBITS\n\n"
            "(b)  It is impracticable to provide the pro forma financial information referred to in\n"
            "     Item 2.  The registrant will file the required pro forma financial information.\n")
    assert [(s.number, s.title) for s in split_items(text, dt.date(1996, 10, 15))] == [
        ("2", "ACQUISITION OR DISPOSITION OF ASSETS"), ("5", ""), ("7", "FINANCIAL STATEMENTS AND EXHIBITS")]


def test_heading_under_a_section_line_is_still_a_heading() -> None:
    text = "Section 5 - Corporate Governance and Management\nItem 5.02. Departure of Directors\nMr. Smith resigned.\n"
    assert numbers(text, NEW) == ["5.02"]


@pytest.mark.parametrize("heading", ["Item 2. 02 Results", "Item 2 .02 Results", "ITEM 2.02. RESULTS", "Item 2.\t02 Results",
                                     "Item\t2.02\tResults"])
def test_split_current_numbers(heading: str) -> None:
    assert numbers(f"{heading}\nOn May 1 the Company reported its quarterly results.\n", NEW) == ["2.02"]
