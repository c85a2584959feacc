"""Loading campaign files: the bundled one, a made-up one, and errors that locate the fault."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.campaign import Campaign, CampaignError, find_campaign, load_campaign
from bot.campaign.loader import DEFAULT_CAMPAIGN
from bot.campaign.model import MAX_DEMANDS
from bot.paths import CAMPAIGNS_DIR
from tests.support import LIBRARY_CAMPAIGN, campaign_toml

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
        assert target.kind == "executive"
        assert target.salutation.startswith("Dear ")
        assert target.channels
    for lookup in campaign.lookups:
        assert lookup.kind == "congress"
        assert "corridor" not in lookup.demands  # diplomacy is the executive's
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


# A mistake in a field: (the text replaced, its replacement, the field named); the error names
# the line where the replacement's last line is found last, and says what is wrong.
FIELD_ERRORS = {
    "unknown demand in target": (
        'demands = ["staffing"]',
        'demands = ["staffing", "parking"]',
        "targets[1].demands",
    ),
    "duplicate target id": ('id = "council"', 'id = "mayor"', "targets[1].id"),
    "bad channel kind": ('kind = "post"', 'kind = "fax"', "targets[1].channels[1].kind"),
    "unknown field": (
        'label = "The Mayor"\n',
        'label = "The Mayor"\nemail = "x"\n',
        "targets[0].email",
    ),
    "bad date": ("date = 2024-03-14", 'date = "last spring"', "source.date"),
}
MENTIONED = {
    "unknown demand in target": ("'council'", "parking"),
    "duplicate target id": ("'mayor' is used twice",),
    "bad channel kind": ("'post'",),
}


@pytest.mark.parametrize("case", FIELD_ERRORS)
def test_error_names_line_and_field(tmp_path: Path, case: str) -> None:
    old, new, field = FIELD_ERRORS[case]
    path, text = broken(tmp_path, old, new)
    message = load_error(path)
    line = line_of(text, new.splitlines()[-1], -1)
    assert message.startswith(f"{path}:{line}: {field}: ")
    for words in MENTIONED.get(case, ()):
        assert words in message
    assert "\n" not in message


def test_duplicate_demand_id(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'id = "staffing"', 'id = "hours"')
    text = text.replace('demands = ["staffing"]', 'demands = ["hours"]')
    text = text.replace('demands = ["hours", "staffing"]', 'demands = ["hours"]')
    path.write_text(text, encoding="utf-8")
    message = load_error(path)
    assert message.startswith(f"{path}:{line_of(text, 'id = ', 2)}: demands[1].id: ")
    assert "'hours' is used twice" in message


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


@pytest.mark.parametrize(("encoding", "line"), [("cp1252", 2), ("utf-16", 1)])
def test_a_file_not_saved_as_utf8_is_one_line_naming_it(
    tmp_path: Path, encoding: str, line: int
) -> None:
    """Windows editors save Windows-1252 or UTF-16 ("Unicode"): say so, not a traceback."""
    path = tmp_path / "saved-by-notepad.toml"
    path.write_bytes(("# first line\n# Café Arménien\n" + campaign_toml()).encode(encoding))
    message = load_error(path)
    assert message.startswith(f"{path}:{line}: ")
    assert "save it as UTF-8" in message and "\n" not in message


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    """Notepad's "UTF-8 with BOM" is UTF-8: the mark is not TOML's business."""
    path = tmp_path / "with-bom.toml"
    path.write_bytes(campaign_toml().encode("utf-8-sig"))
    assert load_campaign(path).id == "tiny"


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


# Asks per kind of office, and talking points with sources

ROUTED_TO_CONGRESS = """
[[lookups]]
id = "senators"
label = "Your two senators"
lookup = "senators"
demands = ["hours"]
"""


def test_demand_routed_to_an_office_without_an_ask_for_its_kind(tmp_path: Path) -> None:
    """ "hours" has only an executive ask; the council is a legislature: a load error that
    names the file, the demand and the recipient."""
    old = 'ask = "restore the library'
    new = '[demands.asks.executive]\nask = "restore the library'
    path, text = broken(tmp_path, old, new)
    text = text.replace('demands = ["staffing"]', 'demands = ["staffing", "hours"]')
    text = text.replace('id = "council"', 'id = "council"\nkind = "legislature"')
    text = text.replace('id = "mayor"', 'id = "mayor"\nkind = "executive"')
    path.write_text(text, encoding="utf-8")
    message = load_error(path)
    line = line_of(text, 'demands = ["staffing", "hours"]')
    assert message.startswith(f"{path}:{line}: targets[1].demands: ")
    assert "'hours'" in message and "'council'" in message and "legislature" in message
    assert "[demands.asks.legislature]" in message


def test_lookups_are_congress_and_need_a_congress_ask(tmp_path: Path) -> None:
    old, new = 'ask = "restore the library', '[demands.asks.executive]\nask = "restore the library'
    path, text = broken(tmp_path, old, new)
    text = text.replace('id = "mayor"', 'id = "mayor"\nkind = "executive"')
    path.write_text(text + ROUTED_TO_CONGRESS, encoding="utf-8")
    message = load_error(path)
    assert "lookups[0].demands" in message and "'senators'" in message
    assert "kind congress" in message and "[demands.asks.congress]" in message


def test_office_without_a_kind_is_told_to_get_one(tmp_path: Path) -> None:
    old, new = 'ask = "restore the library', '[demands.asks.executive]\nask = "restore the library'
    path, _ = broken(tmp_path, old, new)
    message = load_error(path)
    assert "'hours' is routed to 'mayor' (kind None)" in message
    assert 'kind = "executive"' in message


def test_a_general_ask_serves_every_kind(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'id = "mayor"', 'id = "mayor"\nkind = "executive"')
    path.write_text(text + ROUTED_TO_CONGRESS, encoding="utf-8")
    campaign = load_campaign(path)
    hours = campaign.demand("hours")
    assert hours is not None
    assert hours.ask_for("congress") == hours.ask_for("executive") == hours.ask_for(None)


def test_asks_per_kind_with_wordings(campaign: Campaign) -> None:
    for demand in campaign.demands:
        for kind in ("executive", "congress"):
            ask = demand.ask_for(kind)
            if ask is None:
                assert demand.id == "corridor" and kind == "congress"
                continue
            assert len(ask.ask) >= 3 and len(set(ask.ask)) == len(ask.ask)
            assert ask.call


def test_point_without_a_source_is_refused(tmp_path: Path) -> None:
    old = 'source = "Quillfield city budget 2024 (fictional)"\n'
    path, text = broken(tmp_path, old, "")
    message = load_error(path)
    line = line_of(text, "[[demands.points]]", 2)
    assert message == f"{path}:{line}: demands[1].points[0].source: Field required"


def test_point_for_another_kind_only_is_refused(tmp_path: Path) -> None:
    old = 'source = "Quillfield city budget 2024 (fictional)"\n'
    path, text = broken(tmp_path, old, old + 'kinds = ["congress"]\n')
    text = text.replace(
        'source = "The Quillfield Courier, 14 March 2024 (fictional)"',
        'source = "The Quillfield Courier, 14 March 2024 (fictional)"\nkinds = ["congress"]',
    )
    path.write_text(text, encoding="utf-8")
    assert "no talking point" in load_error(path)


def test_schema_version_1_is_explained(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "schema_version = 2", "schema_version = 1")
    message = load_error(path)
    assert message.startswith(f"{path}: schema_version 1 ")
    assert "asks" in message and "points" in message and "source" in message


def test_asks_by_office_for_demands(campaign: Campaign) -> None:
    aid = campaign.demand("aid")
    assert aid is not None
    groups = campaign.asks_by_office(aid)
    assert [g.offices for g in groups] == [
        ["The President", "The Secretary of State"],
        ["Your two senators", "Your representative"],
    ]
    assert "waiving" in groups[0].ask and "legislation" in groups[1].ask


def test_more_demands_than_a_letter_can_carry_are_refused(library_campaign: Campaign) -> None:
    data = library_campaign.model_dump(exclude={"path"})
    first = data["demands"][0]
    data["demands"] = [dict(first, id=f"demand-{i}") for i in range(MAX_DEMANDS + 1)]
    with pytest.raises(ValidationError) as info:
        Campaign.model_validate(data)
    assert any(e["loc"] == ("demands",) and e["type"] == "too_long" for e in info.value.errors())
