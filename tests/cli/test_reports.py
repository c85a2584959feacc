"""`campaign-bot stats` and `campaign-bot export`, end to end through bot.cli.main."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.cli.reports
from bot.cli import main
from bot.letters.score import MEANING
from bot.store import Store
from tests.reports.data import ARMENIAN, CAMPAIGN, import_legislators, seed, seed_congress
from tests.support import campaign_toml

BOM = b"\xef\xbb\xbf"


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    """A seeded database and the tiny campaign, found through DATABASE_URL and CAMPAIGN."""
    campaign = tmp_path / "tiny.toml"
    campaign.write_text(
        campaign_toml(
            demands=("alpha", "beta", "gamma"),
            targets={"mayor": ["alpha", "beta"], "council": ["gamma"]},
            campaign_id=CAMPAIGN,
        ),
        encoding="utf-8",
    )
    url = database_url
    store = Store.from_url(url)
    try:
        seed(store)
    finally:
        store.close()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CAMPAIGN", str(campaign))
    return tmp_path


def test_stats_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "A tiny test campaign (tiny)" in out
    assert "letters drafted" in out and "Office mayor [mayor]" in out
    assert "Last 30 days" in out and "Top referrers" in out
    assert "median personalization (per supporter)" in out
    assert MEANING + "\n" in out


def test_stats_and_exports_name_members_of_congress(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.from_url(os.environ["DATABASE_URL"])
    try:
        import_legislators(store, env)
        seed_congress(store)
    finally:
        store.close()
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "Senators (all)" in out and "Representatives (all)" in out
    assert "Members of Congress" in out and "Sen. Alice Aldrich (D, VT)" in out
    assert "Former member Z000099" in out and "a000001" not in out
    letters = env / "letters.csv"
    assert main(["export", "--what", "letters", "--out", str(letters)]) == 0
    rows = list(csv.DictReader(io.StringIO(letters.read_text(encoding="utf-8-sig"), newline="")))
    senator = next(r for r in rows if r["target"] == "a000001")
    assert (senator["recipient"], senator["recipient_office"], senator["recipient_state"]) == (
        "Sen. Alice Aldrich (D, VT)",
        "Senator",
        "VT",
    )


def test_export_defaults_to_a_summary_csv_on_stdout(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    assert main(["export"]) == 0
    data = capsysbinary.readouterr().out
    names = ("day", "target", "recipient", "recipient_office", "demand", "state", "source")
    header = b",".join(f'"{name}"'.encode() for name in (*names, "party", "letters"))
    assert data.startswith(BOM + header + b',"sent"\r\n')
    assert ARMENIAN.encode() not in data


def test_export_letters_to_a_file_with_personal_data(env: Path) -> None:
    out = env / "letters.csv"
    assert main(["export", "--what", "letters", "--include-personal", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == 6 and rows[0]["display_name"] == ARMENIAN
    assert [p.name for p in env.iterdir() if p.name.startswith(".letters")] == []


def test_export_json_since_to_stdout_with_dash(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    args = ["export", "--format", "json", "--what", "supporters", "--since", "2024-06-20"]
    assert main([*args, "--out", "-"]) == 0
    rows = json.loads(capsysbinary.readouterr().out)
    assert [r["supporter"] for r in rows] == ["pub-a", "pub-b"]  # s4 and s5 joined since


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--since", "2024-13-01"], "not a date like"),
        (["--since", "yesterday"], "not a date like"),
        (["--format", "xlsx"], "invalid choice"),
        (["--what", "everything"], "invalid choice"),
        (["--include-personal"], "--include-personal needs --what letters"),
        (["--out", "/proc/no/such/dir/x.csv"], "cannot write"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    try:
        code = main(["export", *args])
    except SystemExit as stop:  # argparse's own errors
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_failed_export_leaves_the_previous_file(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = env / "summary.csv"
    out.write_text("previous")

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.cli.reports, "export", broken)
    with pytest.raises(RuntimeError):
        main(["export", "--out", str(out)])
    assert out.read_text() == "previous"
    assert sorted(p.name for p in env.iterdir() if p.name.startswith(".summary")) == []


def test_export_as_a_subprocess_writes_binary_stdout(env: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--what", "letters", "--format", "csv"],
        capture_output=True,
        check=True,
        cwd=env,
        timeout=60,
    )
    assert result.stdout.startswith(BOM) and result.stdout.count(b"\r\n") == 7


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 tool")
def test_reports_bench_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.reports_bench import main as bench_main

    started = time.perf_counter()
    assert bench_main(["--letters", "2000"]) == 0
    out = capsys.readouterr().out
    assert "ratio export / sqlite3" in out and "campaign_stats at 2,000 letters" in out
    assert time.perf_counter() - started < 15


def test_stats_and_export_of_another_campaign_in_the_folder(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--campaign names a campaign of CAMPAIGNS by id; without it, the default campaign."""
    assert main(["stats", "--campaign", "lachin-2023"]) == 0
    out = capsys.readouterr().out
    assert "(lachin-2023)" in out and "A tiny test campaign" not in out
    folder = env / "campaigns"
    folder.mkdir()
    shutil.copy(env / "tiny.toml", folder / "tiny.toml")
    monkeypatch.setenv("CAMPAIGNS", str(folder))
    monkeypatch.delenv("CAMPAIGN")
    assert main(["stats"]) == 0  # the folder's only campaign is the default
    assert "A tiny test campaign (tiny)" in capsys.readouterr().out
    assert main(["export", "--campaign", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err
