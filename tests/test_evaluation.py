"""Gold files read and the real transform scored on them (edgar8k/evaluation.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgar8k.evaluation import load_gold, run_evaluation
from tests.corpus import require_shared


def test_load_gold_names_the_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"doc_id": "a", "text_path": "x"}) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"g.jsonl:2"):
        load_gold(p)


def test_seed_end_to_end_scores_perfectly(tmp_path: Path) -> None:
    shared = require_shared()
    line = next(l for l in (shared / "corpus" / "gold-dev.jsonl").read_text().splitlines() if '"seed"' in l)
    p = tmp_path / "seed.jsonl"
    p.write_text(line + "\n")
    report = run_evaluation(p, shared)
    assert report.key.fp == 0 and report.key.fn == 0 and report.key.tp == 7
    assert report.detection.tp == 1
    for name in ("agreement_date", "closing_date", "purchasers", "offering_type", "registration"):
        assert report.fields[name].fn == 0 and report.fields[name].fp == 0, name
