"""The project's own files: both environment files name the same packages, the README
documents every command and column users rely on, `import kit` stays light, and the
built package carries the notebooks and no benchmark code."""

from __future__ import annotations

import json
import pkgutil
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from kit import cli, commands, config, query

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


def _registered_commands() -> list[str]:
    parser = cli.build_parser()
    return list(next(a for a in parser._actions if a.dest == "command").choices)


def test_every_cli_command_is_documented_in_the_readmes_command_line_section():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in _registered_commands() if f"`kit {name} " not in section]
    assert not missing, f"commands missing from the README's Command line section: {missing}"


def test_the_commands_are_the_modules_of_kit_commands_each_registered_once():
    modules = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    assert sorted(cli.COMMANDS) == modules
    assert _registered_commands() == list(cli.COMMANDS)


def _python(code: str, cwd: Path, **env: str) -> str:
    """The output of `code` in a fresh interpreter of this venv, run in `cwd`."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


# Records every file the interpreter opens from here on (audit event "open").
_RECORD_OPENS = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
"""


def test_import_kit_loads_neither_the_ingest_stack_nor_pandas_nor_duckdb(tmp_path):
    out = _python(
        """
        import json, sys
        import kit
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                         {"kit", "pandas", "duckdb", "pyarrow", "dotenv"})))
        """,
        tmp_path,
    )
    assert json.loads(out) == ["kit"]


# Where each public name of `kit` comes from (README, Python and Bring your own data).
PUBLIC = {
    "Query": "kit.query",
    "summary": "kit.query",
    "breakdown": "kit.query",
    "breakdown_totals": "kit.query",
    "timeseries": "kit.query",
    "track_timeseries": "kit.query",
    "positions": "kit.query",
    "track_comparison": "kit.query",
    "track_growth": "kit.query",
    "movers": "kit.query",
    "alerts": "kit.query",
    "platforms_with_data": "kit.query",
    "QueryError": "kit.query",
    "IngestSummary": "kit.sources.ingest",
    "IngestError": "kit.sources.ingest",
    "load_spotify_charts": "kit.sources.spotify_charts",
    "load_s4a": "kit.sources.s4a",
    "load_table": "kit.sources.tables",
}


def test_the_public_names_load_on_first_use(tmp_path):
    out = _python(
        f"""
        import importlib, json, sys
        import kit
        before = "kit.sources.ingest" in sys.modules
        from kit import load_spotify_charts
        after = "kit.sources.ingest" in sys.modules
        same = [getattr(kit, name) is getattr(importlib.import_module(module), name)
                for name, module in {PUBLIC!r}.items()]
        print(json.dumps([before, after, same, sorted(kit.__all__), kit.engine.__name__]))
        """,
        tmp_path,
    )
    before, after, same, names, engine = json.loads(out)
    assert (before, after) == (False, True)
    assert same == [True] * len(PUBLIC)
    assert names == sorted(PUBLIC)
    assert engine == "kit.engine"  # a submodule, imported when first named


def test_import_kit_reads_no_env_file_and_a_setting_reads_it_when_first_asked(tmp_path):
    (tmp_path / ".env").write_text("CHARTROOM_TEST_SETTING=from-dotenv\n")
    out = _python(
        _RECORD_OPENS
        + """
import json, os
import kit
from kit import config
after_import = [p for p in opened if p.endswith(".env")]
in_environ = "CHARTROOM_TEST_SETTING" in os.environ
value = config.setting("CHARTROOM_TEST_SETTING")
after_ask = [p for p in opened if p.endswith(".env")]
print(json.dumps([after_import, in_environ, value, after_ask,
                  "CHARTROOM_TEST_SETTING" in os.environ]))
""",
        tmp_path,
    )
    after_import, in_environ, value, after_ask, in_environ_after_ask = json.loads(out)
    assert after_import == []
    assert in_environ is False
    assert value == "from-dotenv"
    assert str(tmp_path / ".env") in after_ask
    assert in_environ_after_ask is False  # never copied into the environment of child processes


def test_the_environment_wins_over_env_file_and_an_unset_setting_gives_the_default(tmp_path):
    (tmp_path / ".env").write_text("CHARTROOM_TEST_SETTING=from-dotenv\n")
    out = _python(
        """
        import json
        from kit import config
        print(json.dumps([config.setting("CHARTROOM_TEST_SETTING"),
                          config.setting("CHARTROOM_NOT_SET", "fallback"),
                          config.setting("CHARTROOM_NOT_SET")]))
        """,
        tmp_path,
        CHARTROOM_TEST_SETTING="from-environment",
    )
    assert json.loads(out) == ["from-environment", "fallback", None]


def test_kit_help_lists_the_commands_without_importing_pandas(tmp_path):
    out = _python(
        """
        import contextlib, io, json, sys
        from kit import cli
        help = io.StringIO()
        with contextlib.redirect_stdout(help), contextlib.suppress(SystemExit):
            cli.main(["--help"])
        print(json.dumps(["pandas" in sys.modules, "duckdb" in sys.modules, help.getvalue()]))
        """,
        tmp_path,
    )
    pandas_loaded, duckdb_loaded, text = json.loads(out)
    assert (pandas_loaded, duckdb_loaded) == (False, False)
    for name in cli.COMMANDS:
        assert f"\n    {name}" in text


# The files a source distribution of the project holds, and the parts that must stay out
# of the package (bench/, tests/) to show that they do.
_SOURCE = (
    "pyproject.toml",
    "setup.py",
    "README.md",
    "LICENSE",
    "kit",
    "notebooks",
    "bench",
    "tests",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project built as a wheel by pip, from a copy of its files."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "work", "artifacts", "*.egg-info")
    for name in _SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp), str(source)],
        check=True,
        capture_output=True,
    )
    return next(tmp.glob("*.whl"))


def test_the_wheel_carries_the_notebooks_sql_and_templates_and_no_benchmark_or_test_code(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert (
        sorted(n.removeprefix("kit/notebooks/") for n in names if n.startswith("kit/notebooks/"))
        == notebooks
    )
    for folder, pattern in (("sql", "**/*.sql"), ("templates", "*")):
        shipped = sorted(n for n in names if n.startswith(f"kit/{folder}/"))
        files = [p for p in (config.PACKAGE_DIR / folder).glob(pattern) if p.is_file()]
        assert shipped == sorted(f"kit/{p.relative_to(config.PACKAGE_DIR)}" for p in files)
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"kit"}
    assert not [n for n in names if "bench" in n.split("/")]


def test_the_wheel_needs_no_test_spark_or_benchmark_dependency(wheel):
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA")))
    runtime = [
        line.split(":", 1)[1].strip()
        for line in meta.decode().splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    names = {_name(r) for r in runtime}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert names == {_name(r) for r in project["dependencies"]}
    assert not names & {"xlsxwriter", "pytest", "pyspark", "playwright", "ruff"}


def test_an_installed_wheel_finds_its_notebooks_inside_the_package(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    out = _python(
        """
        import json
        import kit
        from kit import config
        from kit.report.spec import NOTEBOOK
        print(json.dumps([kit.__file__, str(config.NOTEBOOKS_DIR), str(NOTEBOOK), NOTEBOOK.is_file()]))
        """,
        tmp_path,
        PYTHONPATH=str(target),  # ahead of the editable install of this checkout
    )
    kit_file, notebooks_dir, notebook, exists = json.loads(out)
    assert kit_file == str(target / "kit" / "__init__.py")
    assert notebooks_dir == str(target / "kit" / "notebooks")
    assert notebook == str(target / "kit" / "notebooks" / "monthly_report.ipynb")
    assert exists


def test_the_readme_lists_the_columns_the_functions_return():
    readme = (ROOT / "README.md").read_text()
    for columns in (query.SUMMARY_COLUMNS, query.BREAKDOWN_COLUMNS, query.TOTALS_COLUMNS):
        missing = [c for c in columns if f"`{c}`" not in readme]
        assert not missing, f"columns missing from the README: {missing}"
