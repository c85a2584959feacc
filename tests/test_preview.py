"""`campaign-bot preview`: organizers proof every letter, including those to a supporter's own
senators and representative, found from an address through the officials directory."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.letters.score import MEANING
from bot.officials.datasets import import_files
from bot.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "officials"
ADDRESS = "12 Elm St, White River Junction, VT 05001"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "CAMPAIGN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    root = logging.getLogger()
    handlers = list(root.handlers)
    yield
    root.handlers[:] = handlers


@pytest.fixture
def directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'officials.db'}"
    store = Store.from_url(url)
    import_files(store, [FIXTURES / "legislators-small.json", FIXTURES / "zccd-small.csv"])
    store.close()
    monkeypatch.setenv("DATABASE_URL", url)


def letters(out: str) -> list[tuple[str, str]]:
    """(heading, body) of each letter printed."""
    parts = re.split(r"^===== (.+)$", out, flags=re.MULTILINE)[1:]
    bodies = [part.split("\n----- sources:")[0].strip() for part in parts[1::2]]
    return list(zip(parts[::2], bodies, strict=True))


def test_all_variants_for_senators_representative_and_the_president(
    directory: None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["preview", "--all-variants", "--place", ADDRESS, "--story", "My family is from Hadrut."]
    targets = ["--target", "senators", "--target", "representative", "--target", "president"]
    assert main([*args, *targets]) == 0
    out = capsys.readouterr().out
    printed = letters(out)
    assert len(printed) == 4 * 3  # two senators, a representative, the President; 3 variants
    for heading, body in printed:
        assert not re.search(r"\{\{|\}\}|\{%|None|  ", body), heading  # no template artifacts
        assert "8 September 2023" in body and "8 August 2025" in body  # the dated history
        if "President" in heading:
            assert body.startswith("Dear Mr. President:") and "constituent" not in body
            assert "Section 907" in body
        else:
            opening = body.split("\n\n")[1]
            assert "constituent" in opening and "White River Junction, Vermont" in opening
            assert "05001" in opening
            assert body.endswith("\nWhite River Junction, VT 05001")
            assert "12 Elm St" not in body  # a street is printed only in the PDF kit
            for executive_only in ("Stop waiving", "stop waiving", "decline to renew"):
                assert executive_only not in body
    headings = [h for h, _ in printed]
    assert sum("Senator Alice Aldrich" in h for h in headings) == 3
    assert sum("Representative" in h for h in headings) == 3
    assert {h.split(" · ")[1] for h in headings} == {"a-direct", "b-story-first", "c-questions"}
    assert "----- sources: " in out and MEANING in out


def test_a_split_zip_previews_one_district_and_says_which(
    directory: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "--target", "representative", "--place", "Mesa, AZ 85215"]) == 0
    out = capsys.readouterr().out
    assert "note: ZIP 85215 is split between AZ-1, AZ-4, AZ-5; showing AZ-1" in out
    mesa = ["preview", "--target", "representative", "--place", "85215"]
    assert main([*mesa, "--district", "az-5"]) == 0
    assert "Representative Jon Jarvis" in capsys.readouterr().out
    assert main([*mesa, "--district", "AZ-9"]) == 2
    assert "not one of ZIP 85215's" in capsys.readouterr().err


def test_lookups_without_a_directory_say_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--target", "senators", "--place", ADDRESS]) == 2
    assert "officials update" in capsys.readouterr().err
    # All targets: the offices are printed, Congress gets a note.
    assert main(["preview"]) == 0
    out = capsys.readouterr().out
    assert "===== to The President" in out and "note: Your two senators: no officials" in out


def test_unknown_demand_or_one_no_chosen_office_gets_is_refused(
    directory: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "--demand", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no demand ['nope']" in err and "sanctions, aid, corridor" in err
    code = main(["preview", "--target", "senators", "--demand", "corridor", "--place", ADDRESS])
    assert code == 2
    assert "none of the chosen demands goes to this office" in capsys.readouterr().err


def test_an_unreadable_place_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--place", "Atlantis"]) == 2
    assert "--place 'Atlantis'" in capsys.readouterr().err
