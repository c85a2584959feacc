"""`campaign-bot preview` prints the letters for given answers, so organizers can proof them."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.support import LIBRARY_CAMPAIGN


def test_preview_prints_every_variant_for_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--target", "secstate", "--all-variants", "--name", "Անի {{ 7*7 }}"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("===== to The Secretary of State") == 3
    assert out.count("Dear Mr. Secretary:") == 3
    assert "Անի {{ 7*7 }}" in out and "49" not in out


def test_preview_works_for_another_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--campaign", str(LIBRARY_CAMPAIGN)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Azerbaijan" not in out and "===== to" in out


def test_preview_names_the_targets_when_one_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--target", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "president" in err and "secstate" in err
