"""The README's promises: two commands first, the same two in CI, every subcommand documented."""

from pathlib import Path

from edgar8k.cli import build_parser

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = (REPO / "README.md").read_text().splitlines()
    assert lines[0] == "```sh", "the README must open with the two commands"
    end = lines.index("```", 1)
    return lines[1:end]


def test_readme_opens_with_exactly_install_and_test_commands():
    install, test = readme_commands()
    assert "pip install" in install and "edgar8k demo" in install
    assert "pytest" in test


def test_ci_runs_exactly_the_readme_commands():
    ci = [ln for ln in (REPO / ".ci/run").read_text().splitlines() if ln and not ln.startswith("#")]
    install, test = readme_commands()
    assert install in ci and test in ci
    assert ci[-1] == test


def test_every_subcommand_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"`edgar8k {name}" in readme, f"README does not document `edgar8k {name}`"
