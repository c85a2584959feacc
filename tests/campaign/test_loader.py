"""Loading campaign files: the bundled one, a made-up one, and errors that locate the fault."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.campaign import Campaign, CampaignError, find_campaign, load_campaign
from bot.campaign.loader import DEFAULT_CAMPAIGN
from bot.paths import CAMPAIGNS_DIR
from tests.support import LIBRARY_CAMPAIGN

LIBRARY_TEXT = LIBRARY_CAMPAIGN.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    """1-based number of the `occurrence`-th line that starts (after indentation) with `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith(needle)]
    return hits[occurrence]


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    """The library campaign with `old` replaced by `new`, written to tmp_path."""
    assert LIBRARY_TEXT.count(old) >= count, old
    text = LIBRARY_TEXT.replace(old, new, count)
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path, text


def load_error(path: Path) -> str:
    with pytest.raises(CampaignError) as info:
        load_campaign(path)
    return str(info.value)


# The bundled campaign


def test_bundled_campaign(campaign: Campaign) -> None:
    assert campaign.id == DEFAULT_CAMPAIGN
    assert [d.id for d in campaign.demands] == ["sanctions", "aid", "corridor"]
    assert [t.id for t in campaign.targets] == ["president", "secstate"]
    assert campaign.source.date == date(2023, 9, 8)
    assert campaign.source.url.startswith("https://")
    assert campaign.source.authors == ["Kim Kardashian", "Dr. Eric Esrailian"]
    assert campaign.templates.letter == "letters/standard"
    assert campaign.path == CAMPAIGNS_DIR / "lachin-2023.toml"


def test_bundled_campaign_routes_every_demand_to_both_offices(campaign: Campaign) -> None:
    for target in campaign.targets:
        assert target.demands == ["sanctions", "aid", "corridor"]
        assert target.salutation.startswith("Dear ")
        assert target.channels
    assert [d.id for d in campaign.demands_for(["president"])] == ["sanctions", "aid", "corridor"]
    assert campaign.demand("aid") is not None
    assert campaign.target("nobody") is None


# The second, made-up campaign


def test_library_campaign_loads(library_campaign: Campaign) -> None:
    c = library_campaign
    assert c.id == "library-hours"
    assert [d.id for d in c.demands] == ["hours", "staffing"]
    mayor, council = c.targets
    assert (mayor.id, council.id) == ("mayor", "council")
    assert mayor.salutation != council.salutation
    assert {ch.kind for ch in mayor.channels} == {"email", "phone"}
    assert {ch.kind for ch in council.channels} == {"web", "post"}
    assert c.source.date == date(2024, 3, 14)
    assert c.source.url.startswith("https://example.org/")
    assert c.templates.letter == "letters/civic"
    assert c.templates_dir == LIBRARY_CAMPAIGN.parent / "templates"
    assert (c.templates_dir / "letters" / "civic").is_dir()


def test_library_campaign_routing(library_campaign: Campaign) -> None:
    ids = [d.id for d in library_campaign.demands_for(["council"])]
    assert ids == ["staffing"]
    assert [d.id for d in library_campaign.demands_for(["mayor"])] == ["hours", "staffing"]
    both = library_campaign.demands_for(["council", "mayor"], chosen=["staffing"])
    assert [d.id for d in both] == ["staffing"]


# Errors name the file, the line and the field


@pytest.mark.parametrize("index", [0, 1])
def test_missing_salutation(tmp_path: Path, index: int) -> None:
    salutation = [
        'salutation = "Dear Mayor Testwell"\n',
        'salutation = "Dear Members of the Council"\n',
    ]
    path, text = broken(tmp_path, salutation[index], "")
    message = load_error(path)
    # The target's own table, never the salutation of another target.
    line = line_of(text, "[[targets]]", index)
    assert message == f"{path}:{line}: targets[{index}].salutation: Field required"


def test_missing_key_is_not_found_in_a_sub_table(tmp_path: Path) -> None:
    # [[targets.channels]] below the target has a `label`; the target's own is the one missing.
    path, text = broken(tmp_path, 'label = "The Mayor"\n', "")
    line = line_of(text, "[[targets]]", 0)
    assert load_error(path) == f"{path}:{line}: targets[0].label: Field required"


def test_unknown_demand_in_target(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'demands = ["staffing"]', 'demands = ["staffing", "parking"]')
    message = load_error(path)
    line = line_of(text, 'demands = ["staffing", "parking"]')
    assert message.startswith(f"{path}:{line}: targets[1].demands: ")
    assert "'council'" in message
    assert "parking" in message
    assert "\n" not in message


def test_duplicate_demand_id(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'id = "staffing"', 'id = "hours"')
    text = text.replace('demands = ["staffing"]', 'demands = ["hours"]')
    text = text.replace('demands = ["hours", "staffing"]', 'demands = ["hours"]')
    path.write_text(text, encoding="utf-8")
    message = load_error(path)
    assert message.startswith(f"{path}:{line_of(text, 'id = ', 2)}: demands[1].id: ")
    assert "'hours' is used twice" in message


def test_duplicate_target_id(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'id = "council"', 'id = "mayor"')
    message = load_error(path)
    line = line_of(text, 'id = "mayor"', 1)
    assert message.startswith(f"{path}:{line}: targets[1].id: ")
    assert "'mayor' is used twice" in message


@pytest.mark.parametrize(
    "url", ["ftp://example.org/courier", "example.org/courier", "https://", "javascript:alert(1)"]
)
def test_non_https_url(tmp_path: Path, url: str) -> None:
    old = 'url = "https://example.org/courier/2024/03/library-hours"'
    path, text = broken(tmp_path, old, f'url = "{url}"')
    message = load_error(path)
    assert message.startswith(f"{path}:{line_of(text, 'url = ')}: source.url: ")


def test_bad_toml_syntax(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'label = "The Mayor"', 'label = "The Mayor')
    message = load_error(path)
    assert message.startswith(f"{path}: not valid TOML")
    assert f"line {line_of(text, 'label = ' + chr(34) + 'The Mayor')}" in message


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'label = "The Mayor"\n', 'label = "The Mayor"\nemail = "x"\n')
    message = load_error(path)
    assert message.startswith(f"{path}:{line_of(text, 'email = ')}: targets[0].email: ")


def test_bad_channel_kind(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'kind = "post"', 'kind = "fax"')
    message = load_error(path)
    line = line_of(text, 'kind = "fax"')
    assert message.startswith(f"{path}:{line}: targets[1].channels[1].kind: ")
    assert "'post'" in message


def test_bad_date(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "date = 2024-03-14", 'date = "last spring"')
    message = load_error(path)
    assert message.startswith(f"{path}:{line_of(text, 'date = ')}: source.date: ")


def test_missing_top_level_field_is_not_pinned_to_a_nested_key(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path, 'title = "Reopen the Quillfield Public Library in the evenings"\n', ""
    )
    # Only [source] has a `title` now; pointing there would send the organizer to the wrong place.
    assert load_error(path) == f"{path}: title: Field required"


def test_every_problem_is_reported_on_its_own_line(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'kind = "post"', 'kind = "fax"')
    text = text.replace('salutation = "Dear Mayor Testwell"\n', "")
    path.write_text(text, encoding="utf-8")
    lines = load_error(path).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any("targets[0].salutation" in line for line in lines)
    assert any("targets[1].channels[1].kind" in line for line in lines)


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    message = load_error(missing)
    assert message.startswith(f"{missing}: cannot read campaign file")


# Finding a campaign by id or path


@pytest.mark.parametrize("name", [None, "", "lachin-2023"])
def test_find_bundled_campaign_by_id(name: str | None) -> None:
    path = find_campaign(name)
    assert path == CAMPAIGNS_DIR / "lachin-2023.toml"
    assert path.is_file()


def test_find_campaign_by_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_campaign(str(LIBRARY_CAMPAIGN)) == LIBRARY_CAMPAIGN.resolve()
    monkeypatch.chdir(LIBRARY_CAMPAIGN.parent)
    assert find_campaign("library-hours.toml") == LIBRARY_CAMPAIGN.resolve()
    assert load_campaign(find_campaign("library-hours.toml")).id == "library-hours"


def test_find_unknown_campaign_id() -> None:
    with pytest.raises(CampaignError) as info:
        find_campaign("no-such-campaign")
    message = str(info.value)
    assert "'no-such-campaign'" in message
    assert "lachin-2023" in message  # lists what is available
    assert "\n" not in message


def test_find_missing_campaign_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.toml"
    with pytest.raises(CampaignError) as info:
        find_campaign(str(missing))
    assert str(missing) in str(info.value)
    assert "does not exist" in str(info.value)
