"""`campaign-bot officials import | status | update`: the officials directory loaded, refreshed
and shown; failures end in one line and exit status 2."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.support import FIXTURES_DIR

FIXTURES = FIXTURES_DIR / "officials"

pytestmark = pytest.mark.usefixtures("database_file")


def test_import_then_status(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "officials",
            "import",
            str(FIXTURES / "legislators-small.json"),
            str(FIXTURES / "zccd-malformed.csv"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [
        "legislators-small.json: imported 11 legislators (json)",
        "zccd-malformed.csv: imported 12 ZIP→district rows (csv), skipped 1 malformed record(s)",
    ]
    assert err == "  skipped: zccd-malformed.csv line 5: zcta 'ABCDE' is not a 5-digit ZIP code\n"

    assert main(["officials", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("legislators: 4 senators, 4 representatives, 3 delegates; from")
    assert lines[1].startswith("ZIP→district: 8 ZIP codes (ZCTAs), 12 candidate rows; from")
    assert lines[2] == "House seats with no member in the data (vacant?): AZ-2, UT-3"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["empty.csv"], "campaign-bot officials: empty.csv is empty\n"),
        (
            ["legislators-small.json", "zccd-header-only.csv"],
            "campaign-bot officials: zccd-header-only.csv has no usable zccd rows\n",
        ),
    ],
)
def test_a_failed_import_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], files: list[str], message: str
) -> None:
    code = main(["officials", "import", *(str(FIXTURES / f) for f in files)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", message)
    assert main(["officials", "status"]) == 0
    assert "note: no legislators loaded" in capsys.readouterr().out


def test_too_many_malformed_records_can_be_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(FIXTURES / "legislators-malformed.json")
    assert main(["officials", "import", path]) == 2
    assert "2 of 5 records are malformed (more than 10%)" in capsys.readouterr().err
    assert main(["officials", "import", "--max-bad", "0.5", path]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "legislators-malformed.json: imported 3 legislators (json), skipped 2 malformed record(s)\n"
    )
    assert err.count("  skipped: legislators-malformed.json record") == 2


def test_update_from_a_local_server(capsys: pytest.CaptureFixture[str], server: str) -> None:
    code = main(
        [
            "officials",
            "update",
            "--legislators-url",
            f"{server}/legislators-small.csv",
            "--zccd-url",
            f"{server}/zccd-small.csv",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{server}/legislators-small.csv: imported 12 legislators (csv)",
        f"{server}/zccd-small.csv: imported 12 ZIP→district rows (csv)",
    ]
    assert main(["officials", "status"]) == 0
    assert f"from {server}/zccd-small.csv (csv), file dated 2026-06-15" in capsys.readouterr().out


def test_a_failed_update_is_one_line(capsys: pytest.CaptureFixture[str], server: str) -> None:
    code = main(
        ["officials", "update", "--legislators-url", f"{server}/gone.json", "--zccd-url", server]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert (
        err
        == f"campaign-bot officials: cannot download {server}/gone.json: HTTP 404 File not found\n"
    )


def test_a_bad_database_url_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdriver://x")
    assert main(["officials", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("campaign-bot officials: DATABASE_URL 'nosuchdriver://x' cannot be used")
    assert err.count("\n") == 1
