"""The project's own files: both environment files name the same packages, and the README
documents every command and column users rely on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from kit import cli, query

ROOT = Path(__file__).resolve().parent.parent
# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {"python-duckdb": "duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {
        CONDA_NAMES.get(_name(d), _name(d))
        for d in env["dependencies"]
        if isinstance(d, str) and _name(d) not in {"python", "pip"}
    }
    assert conda_names == pip_names


def test_every_cli_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [name for name in commands if f"kit {name}" not in readme]
    assert not missing, f"undocumented commands: {missing}"


def test_the_readme_lists_the_columns_the_functions_return():
    readme = (ROOT / "README.md").read_text()
    for columns in (query.SUMMARY_COLUMNS, query.BREAKDOWN_COLUMNS, query.TOTALS_COLUMNS):
        missing = [c for c in columns if f"`{c}`" not in readme]
        assert not missing, f"columns missing from the README: {missing}"
