"""The `edgar8k` command as a user meets it, run as a subprocess: help, one-line mistakes, config, show.

None of these commands starts Prefect, so each run takes well under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edgar8k.cli import COMMANDS, build_parser, main

from tests.conftest import DEMO, TEST_UA

HALCYON = DEMO / "Archives/edgar/data/1990001/000199000124000011/0001990001-24-000011.txt"
NEO = DEMO / "Archives/edgar/data/918285/000095015001500213/0000950150-01-500213.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "edgar8k"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "edgar8k.cli"]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EDGAR8K_") and k != "NO_COLOR"}
    return subprocess.run([*_command(), *args], cwd=cwd, env={**clean, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_argument_has_help() -> None:
    parser = build_parser()
    subs = _subparsers(parser)
    assert set(subs) == set(COMMANDS)
    for name, sub in subs.items():
        for action in sub._actions:
            assert action.help and action.help.strip(), f"edgar8k {name} {action.dest} has no help text"


def test_help_runs_for_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = run("--help", cwd=tmp_path)
    assert top.returncode == 0
    for name in COMMANDS:
        assert name in top.stdout
    assert "EDGAR8K_" in top.stdout and "edgar8k config" in top.stdout
    assert run("show", "--help", cwd=tmp_path).stdout.startswith("usage: edgar8k show")
    for name, sub in _subparsers(build_parser()).items():
        if name == "bench":  # its --help is benchmarks/run.py's (tests/test_benchmarks.py)
            continue
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        out = capsys.readouterr().out
        assert exit_.value.code == 0 and out.startswith(f"usage: edgar8k {name}"), name
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in out, f"{flag} missing from `edgar8k {name} --help`"


def test_no_command_prints_help_and_fails(tmp_path: Path) -> None:
    r = run(cwd=tmp_path)
    assert r.returncode == 2 and "backfill" in r.stdout


def _unwritable(tmp_path: Path) -> str:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return str(blocker / "out")  # a folder under a regular file cannot be made, even by root


MISTAKES = {
    "bad date": (["backfill", "--start", "2024-13-01", "--end", "2024-12-31"],
                 "'2024-13-01' is not a date; use YYYY-MM-DD"),
    "end before start": (["backfill", "--start", "2024-03-01", "--end", "2024-02-01", "--source", str(DEMO)],
                         "--end 2024-02-01 is before --start 2024-03-01; swap them"),
    "unknown source": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02", "--source", "nowhere/mirror"],
                       "neither an http(s) URL nor an existing mirror directory"),
    "unwritable output": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02", "--source", str(DEMO),
                           "--out", "{unwritable}"], "cannot write to output folder"),
    "no user agent for sec.gov": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02"],
                                  "sec.gov requires a User-Agent"),
    "user agent without e-mail": (["nightly", "--user-agent", "just a name"], "sec.gov requires a User-Agent"),
    "too fast for sec.gov": (["nightly", "--user-agent", TEST_UA, "--rate", "50"], "fair-access limit"),
    "missing option": (["backfill", "--start", "2024-03-01"], "required: --end"),
    "unknown command": (["frobnicate"], "invalid choice: 'frobnicate'"),
    "not a number": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02", "--rate", "fast"],
                     "invalid float value: 'fast'"),
    "show a missing file": (["show", "no/such/filing.txt"], "no/such/filing.txt is not a file"),
    "show an accession not stored": (["show", "0000950150-01-500299", "--raw", "{tmp}/raw"],
                                     "not in the raw store"),
    "show a malformed reference": (["show", "hello"], "neither a file nor an accession number"),
    "demo unwritable output": (["demo", "--out", "{unwritable}"], "cannot write to output folder"),
    "output on another machine": (["demo", "--out", "file://otherhost/data/out"],
                                  "a file:// URI names a path on this machine, not on 'otherhost'"),
    "raw store on another machine": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02", "--source", str(DEMO),
                                      "--raw", "file://otherhost/raw"], "raw 'file://otherhost/raw': a file:// URI"),
    "output scheme nothing opens": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02", "--source", str(DEMO),
                                     "--out", "nosuchscheme://bucket/out"],
                                    "output 'nosuchscheme://bucket/out': no filesystem opens it"),
    "mirror on another machine": (["backfill", "--start", "2024-03-01", "--end", "2024-03-02",
                                   "--source", "file://otherhost/mirror"], "not on 'otherhost'"),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_mistakes_get_one_clear_line(case: str, tmp_path: Path) -> None:
    args, expected = MISTAKES[case]
    args = [a.replace("{unwritable}", _unwritable(tmp_path)).replace("{tmp}", str(tmp_path)) for a in args]
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert expected in lines[0] and lines[0].startswith("edgar8k")
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_config_precedence_flag_env_file(tmp_path: Path) -> None:
    (tmp_path / "edgar8k.toml").write_text('[edgar8k]\nrate = 2.0\nworkers = 3\nout = "from-file"\n')
    env = {"EDGAR8K_RATE": "3", "EDGAR8K_USER_AGENT": TEST_UA}
    r = run("config", "--rate", "4", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    line = {m.group(1): m.group(0) for m in re.finditer(r"^(\w+)\s+= .*$", r.stdout, re.M)}
    assert "4.0" in line["rate"] and "(command line)" in line["rate"]
    assert "'from-file'" in line["out"] and "(edgar8k.toml)" in line["out"]
    assert "(EDGAR8K_USER_AGENT)" in line["user_agent"] and "(default)" in line["timeout"]
    assert "edgar8k.toml (read)" in r.stdout and "# ok" in r.stdout
    data = json.loads(run("config", "--json", cwd=tmp_path, env=env).stdout)["settings"]
    assert data["rate"] == {"value": 3.0, "source": "EDGAR8K_RATE"}
    data = json.loads(run("config", "--json", cwd=tmp_path).stdout)
    assert data["settings"]["rate"] == {"value": 2.0, "source": "edgar8k.toml"}
    assert data["settings"]["workers"]["value"] == 3 and "User-Agent" in data["problem"]


def test_config_names_the_file_from_edgar8k_config(tmp_path: Path) -> None:
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text(f'user_agent = "{TEST_UA}"\n')
    r = run("config", cwd=tmp_path, env={"EDGAR8K_CONFIG": str(cfg)})
    assert f"({cfg})" in r.stdout and "# ok" in r.stdout
    cfg.write_text("nonsense = 1\n")
    bad = run("config", cwd=tmp_path, env={"EDGAR8K_CONFIG": str(cfg)})
    assert bad.returncode == 2 and "unknown setting 'nonsense'" in bad.stderr


def test_show_plain_marks_values_beside_their_evidence(tmp_path: Path) -> None:
    r = run("show", str(HALCYON), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert not ANSI.search(out)
    assert out.splitlines()[0] == "Halcyon Demo Therapeutics, Inc. — 8-K 0001990001-24-000011"
    assert "filed 2024-03-19" in out and "event 2024-03-15" in out
    assert "3.02   Unregistered Sales of Equity Securities" in out
    assert re.search(r"shares\s+2,850,000\s+\[s\d+\]", out)
    assert "[[2,850,000]]" in out and "[[$3.51]]" in out and re.search(r"\[\[\$15\.0 [Mm]illion\]\]", out)
    assert "No issuance" not in out
    referenced = set(re.findall(r"   \[(s\d+)\]$", out, re.M))
    printed = set(re.findall(r"^\s+\[(s\d+) \d+:\d+\] .*\[\[", out, re.M))
    assert referenced and referenced <= printed  # every value's sentence is shown, with a value marked


def test_show_colour_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--color", "always", str(HALCYON)]) == 0
    out = capsys.readouterr().out
    assert ANSI.search(out) and "[[" not in out
    assert "2,850,000" in ANSI.sub("", out)
    assert main(["show", "--color", "never", str(HALCYON)]) == 0
    assert not ANSI.search(capsys.readouterr().out)


def test_show_json_offsets_index_into_the_text(tmp_path: Path) -> None:
    r = run("show", "--json", "--text", str(NEO), cwd=tmp_path)
    data = json.loads(r.stdout)
    assert data["filing"]["accession_number"] == "0000950150-01-500213"
    rows = data["issuances"]
    assert [x["shares"] for x in rows] == [1250000, 125000]
    assert rows[1]["exercise_price"] == "5.00"  # exact decimal as a string, never a float
    for row in rows:
        assert data["text"][row["evidence_start"]:row["evidence_end"]] == row["evidence"]
        for e in row["field_evidence"]:
            assert data["text"][e["start"]:e["end"]] == e["value"]


def test_show_an_accession_from_the_raw_store(tmp_path: Path) -> None:
    from edgar8k.extract.raw_store import RawStore

    RawStore(str(tmp_path / "raw")).put("0000950150-01-500213", NEO.read_bytes(), "https://example.test/neo.txt")
    r = run("show", "0000950150-01-500213", "--raw", str(tmp_path / "raw"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "NEOTHERAPEUTICS INC — 8-K 0000950150-01-500213" in r.stdout and "[[125,000]]" in r.stdout


def test_show_a_filing_without_issuance(capsys: pytest.CaptureFixture[str]) -> None:
    larkspur = next((DEMO / "Archives/edgar/data/1990005").glob("*/*.txt"))
    assert main(["show", str(larkspur)]) == 0
    out = capsys.readouterr().out
    assert "No issuance found" in out and "filed under CIKs 1990005, 1990015" in out


def test_cli_import_does_not_load_prefect() -> None:
    code = "import sys, edgar8k.cli, edgar8k.show; assert 'prefect' not in sys.modules, 'prefect imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(shutil.which("script") is None, reason="needs `script` to fake a terminal")
def test_show_colours_by_itself_on_a_terminal(tmp_path: Path) -> None:
    cmd = " ".join([*_command(), "show", str(HALCYON)])
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, env={k: v for k, v in os.environ.items() if k != "NO_COLOR"})
    assert ANSI.search(r.stdout) and "[[" not in r.stdout
