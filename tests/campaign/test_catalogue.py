"""The catalogue: a campaign's state at its dates' boundaries, which campaign is the default, and
a catalogue refused whole when any of its files cannot be used."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.campaign import CampaignError, load_campaign
from bot.campaign.catalogue import Catalogue, load_catalogue
from bot.campaign.model import CampaignState
from tests.campaign.variants import BUNDLED_ID, write_variant
from tests.support import campaign_toml

TICK = timedelta(microseconds=1)
PLUS_4 = timezone(timedelta(hours=4))


def catalogue_error(folder: Path, default: str | None = None) -> list[str]:
    with pytest.raises(CampaignError) as info:
        load_catalogue(folder, default)
    return str(info.value).splitlines()


# Dates and states


def test_state_changes_exactly_at_opens_and_closes(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path, "spring", "opens = 2025-03-01T09:00:00+04:00", "closes = 2025-04-01"
    )
    campaign = load_campaign(path)
    opens = datetime(2025, 3, 1, 5, tzinfo=UTC)  # 09:00 at +04:00
    closes = datetime(2025, 4, 1, tzinfo=UTC)  # a date: midnight UTC
    assert (campaign.opens, campaign.closes) == (opens, closes)
    assert campaign.state(opens - TICK) is CampaignState.UPCOMING
    assert campaign.state(opens) is CampaignState.OPEN
    assert campaign.state(closes - TICK) is CampaignState.OPEN
    assert campaign.state(closes) is CampaignState.CLOSED
    assert campaign.state(datetime(2025, 4, 1, 3, 59, tzinfo=PLUS_4)) is CampaignState.OPEN
    assert campaign.state(datetime(2025, 4, 1, 4, 0, tzinfo=PLUS_4)) is CampaignState.CLOSED


def test_without_dates_a_campaign_is_open_and_a_draft_is_always_a_draft(tmp_path: Path) -> None:
    always = load_campaign(write_variant(tmp_path, "always"))
    assert (always.opens, always.closes, always.draft) == (None, None, False)
    assert always.state(datetime(1990, 1, 1, tzinfo=UTC)) is CampaignState.OPEN
    draft = load_campaign(
        write_variant(tmp_path, "wip", "draft = true", "opens = 2025-01-01", "closes = 2025-02-01")
    )
    for day in (1, 15, 40):
        assert draft.state(datetime(2024, 12, 31, tzinfo=UTC) + timedelta(days=day)) == "draft"


@pytest.mark.parametrize(
    ("lines", "field", "mention"),
    [
        (("opens = 2025-03-01", "closes = 2025-03-01"), "closes", "must be after opens"),
        (("opens = 2025-03-02", "closes = 2025-03-01"), "closes", "must be after opens"),
        (("opens = 2025-03-01T09:00:00",), "opens", "has no timezone"),
        (("closes = 2025-03-01T09:00:00",), "closes", "has no timezone"),
        (('draft = "yes"',), "draft", "valid boolean"),
    ],
)
def test_bad_dates_name_the_line_and_field(
    tmp_path: Path, lines: tuple[str, ...], field: str, mention: str
) -> None:
    path = write_variant(tmp_path, "bad", *lines)
    with pytest.raises(CampaignError) as info:
        load_campaign(path)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(field)
    )
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: {field}: ") and mention in message


# The catalogue and its default


def test_every_file_loads_in_id_order_with_the_bundled_id_as_default(tmp_path: Path) -> None:
    write_variant(tmp_path, "zeta", "closes = 2025-01-01")
    write_variant(tmp_path)
    write_variant(tmp_path, "alpha", "opens = 2030-01-01")
    write_variant(tmp_path, "beta", "draft = true")
    (tmp_path / "notes.txt").write_text("not a campaign", encoding="utf-8")
    (tmp_path / ".#alpha.toml").write_text("an editor's lock file", encoding="utf-8")
    catalogue = load_catalogue(tmp_path, None)
    assert catalogue.ids == ["alpha", "beta", BUNDLED_ID, "zeta"]
    assert catalogue.default.id == BUNDLED_ID
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert [c.id for c in catalogue.open_campaigns(now)] == [BUNDLED_ID]
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert [c.id for c in catalogue.open_campaigns(later)] == ["alpha", BUNDLED_ID]
    zeta = catalogue.get("zeta")
    assert zeta is not None and zeta.state(now) is CampaignState.CLOSED
    assert catalogue.get("nowhere") is None


def test_campaign_names_the_default_by_id(tmp_path: Path) -> None:
    write_variant(tmp_path)
    write_variant(tmp_path, "spring")
    assert load_catalogue(tmp_path, "spring").default.id == "spring"
    [error] = catalogue_error(tmp_path, "autumn")
    assert f"CAMPAIGN='autumn' is not a campaign in {tmp_path}" in error
    assert f"(there: {BUNDLED_ID}, spring)" in error


def test_without_campaign_the_only_campaign_is_the_default(tmp_path: Path) -> None:
    write_variant(tmp_path, "spring")
    assert load_catalogue(tmp_path, None).default.id == "spring"
    write_variant(tmp_path, "autumn")
    [error] = catalogue_error(tmp_path)
    assert "holds several campaigns (autumn, spring)" in error
    assert "set CAMPAIGN to the id of the default one" in error


def test_a_campaign_path_outside_the_folder_joins_and_is_the_default(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    write_variant(folder)
    outside = write_variant(tmp_path / "elsewhere", "local")
    catalogue = load_catalogue(folder, str(outside))
    assert catalogue.ids == [BUNDLED_ID, "local"]
    assert catalogue.default.id == "local" and catalogue.default.path == outside


def test_a_campaign_path_inside_the_folder_is_loaded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_variant(tmp_path)
    spring = write_variant(tmp_path, "spring")
    monkeypatch.chdir(tmp_path)
    catalogue = load_catalogue(tmp_path, "./spring.toml")  # another spelling of the same file
    assert catalogue.ids == [BUNDLED_ID, "spring"]
    assert catalogue.default.path == spring


def test_an_empty_folder_is_an_error_unless_campaign_is_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    [error] = catalogue_error(folder)
    assert error.startswith(f"no campaign files (*.toml) in {folder}: ")
    [error] = catalogue_error(folder, BUNDLED_ID)
    assert error.startswith(f"no campaign files (*.toml) in {folder}: ")
    single = write_variant(tmp_path, "single")
    assert load_catalogue(folder, str(single)).ids == ["single"]
    [error] = catalogue_error(tmp_path / "missing")
    assert error.startswith(f"CAMPAIGNS={tmp_path / 'missing'} is not a folder")


# Refused whole


def test_one_bad_file_refuses_the_catalogue_naming_every_problem(tmp_path: Path) -> None:
    write_variant(tmp_path)
    write_variant(tmp_path, "good")
    late = write_variant(tmp_path, "late", "opens = 2025-03-01", "closes = 2025-02-01")
    broken = tmp_path / "broken.toml"
    broken.write_text("id = [", encoding="utf-8")
    no_letters = tmp_path / "tiny.toml"
    no_letters.write_text(campaign_toml(letter_templates="letters/nowhere"), encoding="utf-8")
    errors = catalogue_error(tmp_path)
    assert [line.split(":")[0] for line in errors] == [str(broken), str(late), str(no_letters)]
    assert "not valid TOML" in errors[0]
    assert "closes" in errors[1] and "must be after opens" in errors[1]
    assert "No letter templates" in errors[2] and "'letters/nowhere'" in errors[2]
    assert not any("good" in line for line in errors)


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    first = write_variant(tmp_path, "spring")
    second = tmp_path / "summer.toml"  # after spring.toml, with the same id
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    assert catalogue_error(tmp_path) == [
        f"{second}: id: 'spring' is already the id of {first}; give each campaign an id of its own"
    ]
    second.unlink()
    outside = write_variant(tmp_path / "elsewhere", "spring")
    [error] = catalogue_error(tmp_path, str(outside))
    assert error.startswith(f"{outside}: id: 'spring' is already the id of {first}")


def test_a_catalogue_is_frozen(tmp_path: Path) -> None:
    catalogue: Catalogue = load_catalogue(write_variant(tmp_path).parent, None)
    with pytest.raises(AttributeError):
        catalogue.default = catalogue.campaigns[0]  # type: ignore[misc]


def test_the_readme_example_of_dates_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Writing a campaign") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n")]
    header = "".join(line.strip() + "\n" for line in example.splitlines())
    path = write_variant(tmp_path, "example")
    text = path.read_text(encoding="utf-8")
    for key in ("id", "title"):  # the example gives its own, in place of the first of each
        text = re.sub(rf"(?m)^{key} = .*\n", "", text, count=1)
    path.write_text(header + text, encoding="utf-8")
    campaign = load_campaign(path)
    assert campaign.id == "lachin-2025-aid" and campaign.draft is False
    assert campaign.closes == datetime(2025, 6, 30, 22, tzinfo=UTC)
    assert campaign.state(datetime(2025, 2, 28, tzinfo=UTC)) is CampaignState.UPCOMING
    assert campaign.state(datetime(2025, 3, 1, tzinfo=UTC)) is CampaignState.OPEN
    assert campaign.state(datetime(2025, 7, 1, tzinfo=UTC)) is CampaignState.CLOSED
