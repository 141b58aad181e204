"""Run the real transform over gold-labelled files and score it: the file-reading side of
`transform.evaluate` (used by `edgar8k evaluate` and benchmarks/evaluate.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from edgar8k.transform.evaluate import Report, predict_document, score


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold lines; a bad line is an error that names the line, not a crash later."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not JSON: {e}") from e
        if "doc_id" not in obj or "text_path" not in obj:
            raise ValueError(f"{path}:{n}: gold line needs doc_id and text_path")
        out.append(obj)
    return out


def run_evaluation(gold_path: Path, shared_root: Path) -> Report:
    """Run the pipeline on every labelled document and score it."""
    from edgar8k.transform.issuance import EXTRACTOR_VERSION

    gold_docs = load_gold(gold_path)
    predictions: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    for gold in gold_docs:
        path = Path(shared_root) / gold["text_path"]
        try:
            predictions[gold["doc_id"]] = predict_document(path.read_bytes(), gold)
        except (OSError, ValueError) as e:
            errors[gold["doc_id"]] = f"{type(e).__name__}: {e}"
            predictions[gold["doc_id"]] = []
    report = score(gold_docs, predictions, errors)
    report.extractor_version = EXTRACTOR_VERSION
    return report
