"""`kit report`: parallel papermill runs, one folder per report, failures kept apart;
reports.yaml and the command line's refusals."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import yaml

from kit import cli
from kit.report import ConfigError, ReportSpec, load_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECRET = "some-secret-7c41e9"
UNKNOWN = "Nobody Known"


@pytest.fixture(scope="module")
def batch(demo_warehouse, tmp_path_factory):
    """One good report and one for an unknown artist, two at a time, with a secret in the
    environment, as cron would run them."""
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    out = tmp_path_factory.mktemp("kit_report") / "reports"
    stale = out / "2026-09" / "nobody-known"  # files of an earlier run that succeeded
    stale.mkdir(parents=True)
    for suffix in ("html", "xlsx"):
        (stale / f"nobody-known-2026-09.{suffix}").write_text("last month's")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOUNDCHARTS_API_KEY", SECRET)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(
                [
                    "report",
                    "--artist",
                    DEFAULT_ARTIST,
                    "--artist",
                    UNKNOWN,
                    "--country",
                    DEFAULT_COUNTRY,
                    "--month",
                    DEFAULT_MONTH,
                    "--top-n",
                    "2",
                    "--jobs",
                    "2",
                    "--output",
                    str(out),
                    "--warehouse",
                    str(demo_warehouse),
                ]
            )
    return code, out, stdout.getvalue(), stderr.getvalue()


def test_a_failed_report_makes_the_exit_code_non_zero(batch):
    code, *_ = batch
    assert code == 1


def test_the_good_report_leaves_notebook_html_and_workbook_in_its_month_folder(batch):
    _, out, _, _ = batch
    folder = out / "2026-09" / "nico-ardenza"
    assert sorted(p.name for p in folder.iterdir()) == [
        "nico-ardenza-2026-09.html",
        "nico-ardenza-2026-09.ipynb",
        "nico-ardenza-2026-09.xlsx",
    ]
    assert "<details" in (folder / "nico-ardenza-2026-09.html").read_text()


def test_the_failed_report_keeps_its_partial_notebook_and_no_stale_page_or_workbook(batch):
    _, out, _, _ = batch
    folder = out / "2026-09" / "nobody-known"
    assert sorted(p.name for p in folder.iterdir()) == ["nobody-known-2026-09.ipynb"]
    assert "Unknown artist 'Nobody Known'." in (folder / "nobody-known-2026-09.ipynb").read_text()


def test_the_output_lists_the_paths_and_the_error(batch):
    _, out, stdout, stderr = batch
    folder = out / "2026-09"
    assert f"  html      {folder / 'nico-ardenza' / 'nico-ardenza-2026-09.html'}" in stdout
    assert f"  workbook  {folder / 'nico-ardenza' / 'nico-ardenza-2026-09.xlsx'}" in stdout
    assert "FAILED  nobody-known 2026-09: QueryError: Unknown artist 'Nobody Known'." in stdout
    assert "1 of 2 reports failed." in stderr


def _texts(root: Path):
    for path in root.rglob("*"):
        if path.suffix == ".xlsx":  # a zip: look inside every part
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    yield f"{path}:{name}", book.read(name)
        elif path.is_file():
            yield str(path), path.read_bytes()


def test_no_secret_reaches_a_notebook_an_html_page_or_a_workbook(batch):
    _, out, stdout, stderr = batch
    files = list(_texts(out))
    assert len(files) > 3
    assert [name for name, data in files if SECRET.encode() in data] == []
    assert SECRET not in stdout + stderr


def test_the_parameters_written_into_the_notebook_are_the_report_s_own(batch, demo_warehouse):
    _, out, _, _ = batch
    import nbformat

    nb = nbformat.read(out / "2026-09" / "nico-ardenza" / "nico-ardenza-2026-09.ipynb", 4)
    assert nb.metadata.papermill.parameters == {
        "artists": ["Nico Ardenza"],
        "platforms": [],
        "country": "IT",
        "period": "2026-09",
        "warehouse": str(demo_warehouse.resolve()),
        "output": str(out / "2026-09" / "nico-ardenza"),
        "name": "nico-ardenza-2026-09",
        "top_n": 2,
    }


# ---------------------------------------------------------------- reports.yaml


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reports.yaml"
    path.write_text(text)
    return path


def test_a_config_lists_reports_with_defaults_and_their_own_keys(tmp_path):
    path = _config(
        tmp_path,
        """
month: "2026-09"
country: IT
platforms: [spotify, youtube]
top_n: 3
output: out
reports:
  - Nico Ardenza
  - artist: Sid Vettore
    country: GLOBAL
    platforms: spotify
  - artists: [Nico Ardenza, Sid Vettore]
    name: Nico and Sid
""",
    )
    plan = load_config(path)
    assert plan.specs == (
        ReportSpec(("Nico Ardenza",), "2026-09", ("spotify", "youtube"), "IT", 3),
        ReportSpec(("Sid Vettore",), "2026-09", ("spotify",), "GLOBAL", 3),
        ReportSpec(
            ("Nico Ardenza", "Sid Vettore"),
            "2026-09",
            ("spotify", "youtube"),
            "IT",
            3,
            "nico-and-sid",
        ),
    )
    assert plan.output == tmp_path / "out"
    assert plan.warehouse is None
    assert [s.folder(plan.output) for s in plan.specs][2] == tmp_path / "out/2026-09/nico-and-sid"


def test_command_line_values_replace_the_file_s_top_level_values(tmp_path):
    path = _config(tmp_path, "country: IT\nreports:\n  - A\n  - artist: B\n    country: FR\n")
    plan = load_config(path, month="2026-08", country="DE", output="/srv/reports")
    assert [(s.period, s.country) for s in plan.specs] == [("2026-08", "DE"), ("2026-08", "FR")]
    assert plan.output == Path("/srv/reports")


def test_the_month_defaults_to_the_previous_one(tmp_path):
    path = _config(tmp_path, "month: previous\nreports: [A]\n")
    plan = load_config(path, today=dt.date(2027, 1, 15))
    assert plan.specs[0].period == "2026-12"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reports: []\n", "'reports' must be a non-empty list"),
        ("montth: 2026-09\nreports: [A]\n", "unknown key(s) montth"),
        ("reports:\n  - artist: A\n    contry: IT\n", "report 1: unknown key(s) contry"),
        ("reports:\n  - country: IT\n", "report 1: name an 'artist' or a list of 'artists'"),
        ("top_n: 0\nreports: [A]\n", "top_n must be a whole number of at least 1, got 0"),
        ("reports: [A\n", "is not valid YAML"),
        ("- A\n", "expected a mapping with a 'reports' list"),
        (
            "reports:\n  - A\n  - artist: a\n    country: FR\n",
            "report 2: a report named 'a' comes earlier",
        ),
    ],
)
def test_a_bad_config_is_refused_with_what_is_wrong(tmp_path, text, message):
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError) as refusal:
        load_config(path)
    assert message in str(refusal.value)
    assert str(path) in str(refusal.value)


def test_the_example_config_runs_the_demo_s_default_report():
    from kit import config
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    path = config.ROOT / "reports.yaml"
    assert set(yaml.safe_load(path.read_text())) <= {
        "month",
        "country",
        "platforms",
        "top_n",
        "output",
        "reports",
    }
    plan = load_config(path)
    assert plan.specs == (ReportSpec((DEFAULT_ARTIST,), DEFAULT_MONTH, (), DEFAULT_COUNTRY, 5),)
    assert plan.output == config.ROOT / "reports"


# ---------------------------------------------------------------- the command line


def _plan(argv: list[str], today: dt.date):
    from kit.commands.report import plan

    return plan(cli.build_parser().parse_args(argv), today=today)


def test_without_a_month_the_command_reports_on_the_previous_one(demo_warehouse):
    plan = _plan(
        ["report", "--artist", "A", "--artist", "B", "--warehouse", str(demo_warehouse)],
        today=dt.date(2026, 10, 3),
    )
    assert [(s.artists, s.period, s.country) for s in plan.specs] == [
        (("A",), "2026-09", "GLOBAL"),
        (("B",), "2026-09", "GLOBAL"),
    ]


def test_the_command_needs_artists_or_a_config(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", "--month", "2026-09"])
    assert stop.value.code == 2
    assert "one of the arguments --artist --config is required" in capsys.readouterr().err


def test_the_command_refuses_a_missing_warehouse(tmp_path, capsys):
    code = cli.main(["report", "--artist", "A", "--warehouse", str(tmp_path / "none")])
    assert code == 2
    assert f"No warehouse at {tmp_path / 'none'}" in capsys.readouterr().err


def test_the_command_refuses_a_missing_config(tmp_path, capsys):
    code = cli.main(["report", "--config", str(tmp_path / "reports.yaml")])
    assert code == 2
    assert f"Cannot read {tmp_path / 'reports.yaml'}" in capsys.readouterr().err


def test_the_command_refuses_zero_jobs(capsys):
    assert cli.main(["report", "--artist", "A", "--jobs", "0"]) == 2
    assert "--jobs must be 1 or more." in capsys.readouterr().err
