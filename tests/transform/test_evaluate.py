"""Scoring rules of the gold format: alignment, derived values, 0.5% tolerance, unknown registration."""

from __future__ import annotations

from edgar8k.transform.evaluate import format_report, normalise_name, score, score_document, values_equal


def sec(**kw):
    base = {"security_type": "common_stock", "shares": None, "price_per_share": None, "exercise_price": None,
            "expiration_date": None, "principal_amount": None, "conversion_price": None}
    base.update(kw)
    return base


def tx(securities, **kw):
    base = {"offering_type": "private_placement", "registration": "exempt", "exemption": None,
            "aggregate_consideration": None, "agreement_date": None, "closing_date": None, "purchasers": []}
    base.update(kw)
    base["securities"] = securities
    return base


def gold(transactions, doc_id="d1"):
    return {"doc_id": doc_id, "text_path": "x", "has_issuance": bool(transactions), "transactions": transactions}


def test_values_equal_tolerance_and_dates() -> None:
    assert values_equal("aggregate_consideration", 5_000_000, 5_020_000)
    assert not values_equal("aggregate_consideration", 5_000_000, 5_030_000)
    assert values_equal("expiration_date", "2006-03-08", "2006-03-08")
    assert not values_equal("expiration_date", "2006-03-08", "2006-03-09")
    assert values_equal("exemption", "Section 4(2); Rule 144A", "Rule 144A; Section 4(2)")


def test_exact_prediction_scores_all_true_positives() -> None:
    g = gold([tx([sec(shares=100), sec(security_type="warrant", shares=10, exercise_price=5.0)],
                 aggregate_consideration=1000.0, purchasers=["IAT Ltd."])])
    doc = score_document(g, g["transactions"])
    assert all(c.fp == 0 and c.fn == 0 for c in doc.fields.values())
    assert doc.fields["shares"].tp == 2 and doc.fields["purchasers"].tp == 1


def test_securities_align_regardless_of_order_and_wrong_value_is_fp_and_fn() -> None:
    g = gold([tx([sec(shares=100), sec(security_type="warrant", shares=10, exercise_price=5.0)])])
    p = [tx([sec(security_type="warrant", shares=10, exercise_price=6.0), sec(shares=100)])]
    doc = score_document(g, p)
    assert doc.fields["shares"].tp == 2
    assert (doc.fields["exercise_price"].tp, doc.fields["exercise_price"].fp, doc.fields["exercise_price"].fn) == (0, 1, 1)


def test_derived_values_right_counts_missing_does_not() -> None:
    g = gold([tx([sec(security_type="warrant", shares=10, derived={"expiration_date": "2025-10-06"})],
                 derived={"aggregate_consideration": 90.0})])
    none = score_document(g, [tx([sec(security_type="warrant", shares=10)])])
    assert none.fields["expiration_date"].fn == 0 and none.fields["aggregate_consideration"].fn == 0
    right = score_document(g, [tx([sec(security_type="warrant", shares=10, expiration_date="2025-10-06")],
                                  aggregate_consideration=90.0)])
    assert right.fields["expiration_date"].tp == 1 and right.fields["aggregate_consideration"].tp == 1
    wrong = score_document(g, [tx([sec(security_type="warrant", shares=10, expiration_date="2025-10-07")])])
    assert wrong.fields["expiration_date"].fp == 1


def test_unknown_registration_is_no_value_and_purchasers_are_sets() -> None:
    g = gold([tx([sec(shares=5)], registration="unknown", purchasers=["Alpha Fund, L.P."])])
    doc = score_document(g, [tx([sec(shares=5)], registration="unknown", purchasers=["ALPHA FUND LP"])])
    assert (doc.fields["registration"].tp, doc.fields["registration"].fp) == (0, 0)
    assert doc.fields["purchasers"].tp == 1
    assert normalise_name("IAT ReInsurance Syndicate Ltd.") == "iat reinsurance syndicate"


def test_detection_and_key_field_pooling() -> None:
    golds = [gold([tx([sec(shares=100)])], "a"), gold([], "b"), gold([tx([sec(shares=7)])], "c")]
    preds = {"a": [tx([sec(shares=100)])], "b": [tx([sec(shares=1)])], "c": []}
    report = score(golds, preds)
    assert (report.detection.tp, report.detection.fp, report.detection.fn) == (1, 1, 1)
    assert report.key.tp == 2  # security_type and shares of document a
    assert "KEY-FIELD MICRO" in format_report(report)


def test_exemptions_compare_as_sets_whatever_joins_them() -> None:
    assert values_equal("exemption", "Section 4(2) and/or Regulation D", "Regulation D; Section 4(2)")
    assert values_equal("exemption", "Rule 506 or Regulation S", "Regulation S, Rule 506")
    assert not values_equal("exemption", "Section 4(2) or Regulation S", "Section 4(2)")
