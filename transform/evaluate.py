"""Score extracted issuances against hand-checked gold labels (format: shared/docs/gold-format.md).

Scoring follows the label format's rules: securities are aligned within a document by agreement on
type, shares, prices and expiry; per field a labelled value matched by an equal prediction is a true
positive, a labelled value without one a false negative, a prediction without an equal labelled (or
`derived`) value a false positive; numbers are equal within 0.5%, dates exactly; "unknown"
registration is no value; purchasers compare as sets of normalised names. Everything here is pure;
reading the gold file and the corpus texts is `edgar8k.evaluation`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from edgar8k.transform.model import Transaction

SECURITY_FIELDS = ("security_type", "shares", "price_per_share", "exercise_price", "expiration_date",
                   "principal_amount", "conversion_price")
TRANSACTION_FIELDS = ("offering_type", "registration", "exemption", "aggregate_consideration", "agreement_date",
                      "closing_date", "purchasers")
KEY_FIELDS = ("security_type", "shares", "price_per_share", "exercise_price", "expiration_date",
              "aggregate_consideration")
NUMERIC = {"shares", "price_per_share", "exercise_price", "principal_amount", "conversion_price",
           "aggregate_consideration"}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    doc_id: str
    gold_has: bool
    pred_has: bool
    fields: dict[str, Counts]
    error: str | None = None
    mismatches: list[str] = field(default_factory=list)


@dataclass
class Report:
    fields: dict[str, Counts]
    detection: Counts
    key: Counts
    docs: list[DocScore]
    extractor_version: str = ""


# ---------------------------------------------------------------------------------------------
# Values


def values_equal(name: str, a: Any, b: Any) -> bool:
    """Numbers within 0.5%, dates exactly, strings case- and space-insensitively."""
    if a is None or b is None:
        return False
    if name in NUMERIC:
        x, y = Decimal(str(a)), Decimal(str(b))
        if x == y:
            return True
        return abs(x - y) <= Decimal("0.005") * max(abs(x), abs(y))
    if name == "exemption":
        return _exemption_set(a) == _exemption_set(b)
    return _norm(str(a)) == _norm(str(b))


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _exemption_set(s: str) -> frozenset[str]:
    return frozenset(re.sub(r"[\s.]", "", p.lower()).replace("section", "").replace("rule", "")
                     for p in re.split(r"[;,]|\b(?:and|or)\b|/", s) if p.strip())


def normalise_name(name: str) -> str:
    """Purchaser names compare without punctuation, case or a trailing corporate suffix."""
    n = re.sub(r"[^a-z0-9& ]", " ", name.lower())
    n = re.sub(r"\b(?:inc|incorporated|ltd|limited|llc|l l c|lp|l p|co|corp|corporation|plc)\b", " ", n)
    return " ".join(n.split())


def _value(obj: dict[str, Any], name: str) -> Any:
    v = obj.get(name)
    if name == "registration" and v == "unknown":
        return None
    return v


def _derived(obj: dict[str, Any], name: str) -> Any:
    return (obj.get("derived") or {}).get(name)


# ---------------------------------------------------------------------------------------------
# Predictions in label form


def transaction_to_dict(t: Transaction) -> dict[str, Any]:
    """A predicted Transaction in the gold format, so both sides are compared the same way."""
    def num(v: Decimal | None) -> float | None:
        return float(v) if v is not None else None

    def day(v: dt.date | None) -> str | None:
        return v.isoformat() if v else None

    return {
        "offering_type": t.offering_type, "registration": t.registration, "exemption": t.exemption,
        "aggregate_consideration": num(t.aggregate_consideration), "agreement_date": day(t.agreement_date),
        "closing_date": day(t.closing_date), "purchasers": list(t.purchasers),
        "securities": [{
            "security_type": s.security_type, "security_title": s.security_title, "shares": s.shares,
            "price_per_share": num(s.price_per_share), "exercise_price": num(s.exercise_price),
            "expiration_date": day(s.expiration_date), "principal_amount": num(s.principal_amount),
            "conversion_price": num(s.conversion_price),
        } for s in t.securities],
    }


# ---------------------------------------------------------------------------------------------
# Alignment and counting


def _pair_score(g: dict[str, Any], p: dict[str, Any]) -> int:
    score = 0
    for name, weight in (("security_type", 2), ("shares", 3), ("exercise_price", 2), ("price_per_share", 2),
                         ("expiration_date", 1), ("principal_amount", 3), ("conversion_price", 1)):
        gv = _value(g, name) if _value(g, name) is not None else _derived(g, name)
        if values_equal(name, gv, p.get(name)):
            score += weight
    return score


def _align(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy best-first pairing; a pair needs at least agreement on type or on one value."""
    scored = sorted(((_pair_score(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
                    key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < 2 or i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


def _count_field(name: str, g: dict[str, Any] | None, p: dict[str, Any] | None, out: Counts,
                 notes: list[str], where: str) -> None:
    gv = _value(g, name) if g is not None else None
    dv = _derived(g, name) if g is not None else None
    pv = _value(p, name) if p is not None else None
    if name == "purchasers":
        gs = {normalise_name(x) for x in (gv or [])}
        ps = {normalise_name(x) for x in (pv or [])}
        out.tp += len(gs & ps)
        out.fn += len(gs - ps)
        out.fp += len(ps - gs)
        if gs != ps:
            notes.append(f"{where} purchasers gold={sorted(gs)} pred={sorted(ps)}")
        return
    if gv is not None:
        if values_equal(name, gv, pv):
            out.tp += 1
            return
        out.fn += 1
        if pv is not None:
            out.fp += 1
        notes.append(f"{where} {name} gold={gv} pred={pv}")
        return
    if pv is None:
        return
    if dv is not None and values_equal(name, dv, pv):
        out.tp += 1
        return
    out.fp += 1
    notes.append(f"{where} {name} gold={dv if dv is not None else None} pred={pv}")


def score_document(gold: dict[str, Any], predicted: list[dict[str, Any]]) -> DocScore:
    """Per-field counts for one document: gold label line vs predicted transactions (gold form)."""
    fields = {name: Counts() for name in SECURITY_FIELDS + TRANSACTION_FIELDS}
    notes: list[str] = []
    g_secs = [(ti, s) for ti, t in enumerate(gold.get("transactions") or []) for s in t["securities"]]
    p_secs = [(ti, s) for ti, t in enumerate(predicted) for s in t["securities"]]
    pairs = _align([s for _, s in g_secs], [s for _, s in p_secs])
    paired_g = {i for i, _ in pairs}
    paired_p = {j for _, j in pairs}
    for i, j in pairs:
        for name in SECURITY_FIELDS:
            _count_field(name, g_secs[i][1], p_secs[j][1], fields[name], notes, f"sec[{i}]")
    for i, (_, g) in enumerate(g_secs):
        if i not in paired_g:
            for name in SECURITY_FIELDS:
                _count_field(name, g, None, fields[name], notes, f"missed sec[{i}]")
    for j, (_, p) in enumerate(p_secs):
        if j not in paired_p:
            for name in SECURITY_FIELDS:
                _count_field(name, None, p, fields[name], notes, f"extra sec[{j}]")
    tx_pairs = _align_transactions(gold.get("transactions") or [], predicted, pairs, g_secs, p_secs)
    gt_paired = {a for a, _ in tx_pairs}
    pt_paired = {b for _, b in tx_pairs}
    for a, b in tx_pairs:
        for name in TRANSACTION_FIELDS:
            _count_field(name, gold["transactions"][a], predicted[b], fields[name], notes, f"tx[{a}]")
    for a, t in enumerate(gold.get("transactions") or []):
        if a not in gt_paired:
            for name in TRANSACTION_FIELDS:
                _count_field(name, t, None, fields[name], notes, f"missed tx[{a}]")
    for b, t in enumerate(predicted):
        if b not in pt_paired:
            for name in TRANSACTION_FIELDS:
                _count_field(name, None, t, fields[name], notes, f"extra tx[{b}]")
    pred_has = any(t["securities"] for t in predicted)
    return DocScore(gold["doc_id"], bool(gold.get("has_issuance")), pred_has, fields, mismatches=notes)


def _align_transactions(gold_t: list[dict[str, Any]], pred_t: list[dict[str, Any]], pairs: list[tuple[int, int]],
                        g_secs: list[tuple[int, dict]], p_secs: list[tuple[int, dict]]) -> list[tuple[int, int]]:
    """Transactions pair by the securities they share, then by offering type, then in order."""
    votes: dict[tuple[int, int], int] = {}
    for i, j in pairs:
        key = (g_secs[i][0], p_secs[j][0])
        votes[key] = votes.get(key, 0) + 10
    for a, g in enumerate(gold_t):
        for b, p in enumerate(pred_t):
            if g.get("offering_type") == p.get("offering_type"):
                votes[(a, b)] = votes.get((a, b), 0) + 3
            votes.setdefault((a, b), 0)
    out: list[tuple[int, int]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for (a, b), v in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append((a, b))
    return out


def score(gold_docs: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]],
          errors: dict[str, str] | None = None) -> Report:
    """Pool per-document counts into per-field, key-field and detection scores."""
    fields = {name: Counts() for name in SECURITY_FIELDS + TRANSACTION_FIELDS}
    key = Counts()
    detection = Counts()
    docs: list[DocScore] = []
    for gold in gold_docs:
        doc = score_document(gold, predictions.get(gold["doc_id"], []))
        doc.error = (errors or {}).get(gold["doc_id"])
        docs.append(doc)
        for name, c in doc.fields.items():
            fields[name].add(c)
            if name in KEY_FIELDS:
                key.add(c)
        if doc.gold_has and doc.pred_has:
            detection.tp += 1
        elif doc.pred_has:
            detection.fp += 1
        elif doc.gold_has:
            detection.fn += 1
    return Report(fields, detection, key, docs)


# ---------------------------------------------------------------------------------------------
# Running the real pipeline on the gold documents


def predict_document(raw: bytes, gold: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline's own steps (parse, build text, extract) on one document.

    Dates and the company come from the SGML header when there is one; bare documents have none,
    so the index's filing date and company name (which the real pipeline has) are taken from the label.
    """
    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.issuance import extract_issuances
    from edgar8k.transform.sgml import parse_submission

    sub = parse_submission(raw)
    ft = build_filing_text(sub)
    filer = sub.primary_filer
    filed = sub.filing_date or (dt.date.fromisoformat(gold["filed"]) if gold.get("filed") else None)
    company = (filer.name if filer and filer.name else None) or gold.get("company")
    txs = extract_issuances(ft, filing_date=filed, event_date=sub.period_of_report, company_name=company)
    return [transaction_to_dict(t) for t in txs]


def format_report(report: Report, *, verbose: bool = False) -> str:
    """A plain-text table: per-field P/R/F1, detection, key-field micro F1, and documents in error."""
    lines = [f"extractor {report.extractor_version}  documents {len(report.docs)}", "",
             f"{'field':<26}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"]

    def row(name: str, c: Counts) -> str:
        return f"{name:<26}{c.tp:>5}{c.fp:>5}{c.fn:>5}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"

    for name, c in report.fields.items():
        lines.append(row(name + (" *" if name in KEY_FIELDS else ""), c))
    lines += ["", row("KEY-FIELD MICRO (*)", report.key), row("DOCUMENT DETECTION", report.detection)]
    errs = [d for d in report.docs if d.error]
    if errs:
        lines += ["", "documents in error:"] + [f"  {d.doc_id}: {d.error}" for d in errs]
    if verbose:
        lines += ["", "mismatches:"]
        for d in report.docs:
            if d.mismatches or d.gold_has != d.pred_has:
                lines.append(f"  {d.doc_id} gold_has={d.gold_has} pred_has={d.pred_has}")
                lines.extend(f"      {m}" for m in d.mismatches)
    return "\n".join(lines)
