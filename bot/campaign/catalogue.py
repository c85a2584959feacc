"""Several campaigns in one bot: the `Catalogue` of every campaign file in the CAMPAIGNS folder
(and the file CAMPAIGN names), loaded all or nothing, so a bad file never replaces a good one.

The one campaign module that imports `bot.letters` (a campaign is usable only if its letter
templates load), so `bot.campaign` itself does not import it: that would be a cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.campaign.loader import DEFAULT_CAMPAIGN, CampaignError, campaign_file, load_campaign
from bot.campaign.model import Campaign, CampaignState
from bot.letters import LetterRenderer, LetterTemplateError


@dataclass(frozen=True)
class Catalogue:
    """Every campaign, ordered by id (an order that editing a date never changes), and the
    default one: the campaign of a supporter who comes without a campaign link."""

    campaigns: tuple[Campaign, ...]
    default: Campaign

    @property
    def ids(self) -> list[str]:
        return [campaign.id for campaign in self.campaigns]

    def get(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def open_campaigns(self, now: datetime) -> list[Campaign]:
        """The campaigns taking letters at `now` (a datetime with a timezone), by id."""
        return [c for c in self.campaigns if c.state(now) is CampaignState.OPEN]


def load_catalogue(folder: Path, default: str | None) -> Catalogue:
    """Every `*.toml` in `folder` (names starting with a dot, editors' temporary files, are
    skipped) with its letter templates, and the default campaign that `default` (CAMPAIGN)
    names: an id in the folder, or a campaign file's path, which then joins the catalogue
    wherever it is. Without CAMPAIGN: `lachin-2023` if present, else the only campaign.

    Any problem in any file, or two files with one id, refuses the whole catalogue with one
    CampaignError that lists every problem, one line each, each naming its file.
    """
    default_file = campaign_file(default) if default else None
    campaigns: list[Campaign] = []
    problems: list[str] = []
    for path in _campaign_paths(folder, default_file):
        try:
            campaigns.append(load_usable_campaign(path))
        except CampaignError as error:
            problems.extend(str(error).splitlines())
    problems.extend(_duplicate_ids(campaigns))
    if problems:
        raise CampaignError("\n".join(problems))
    ordered = tuple(sorted(campaigns, key=lambda campaign: campaign.id))
    return Catalogue(ordered, _default(ordered, folder, default, default_file))


def load_usable_campaign(path: Path) -> Campaign:
    """`load_campaign`, then its letter templates, as the bot loads them at start-up: a file
    whose templates are missing is as unusable as one with a typo."""
    campaign = load_campaign(path)
    try:
        LetterRenderer(campaign)
    except LetterTemplateError as error:
        raise CampaignError(f"{path}: {error}") from None
    return campaign


def _campaign_paths(folder: Path, default_file: Path | None) -> list[Path]:
    """The folder's campaign files by name, then the CAMPAIGN file if it is not among them."""
    if not folder.is_dir():
        raise CampaignError(
            f"CAMPAIGNS={folder} is not a folder: set CAMPAIGNS to the folder that holds your "
            "campaign files (.toml)."
        )
    paths = sorted(
        path for path in folder.glob("*.toml") if path.is_file() and not path.name.startswith(".")
    )
    if default_file is not None and default_file not in {path.resolve() for path in paths}:
        paths.append(default_file)
    if not paths:
        raise CampaignError(
            f"no campaign files (*.toml) in {folder}: put one there (copy "
            f"data/campaigns/{DEFAULT_CAMPAIGN}.toml), or set CAMPAIGNS to the folder that holds "
            "yours."
        )
    return paths


def _duplicate_ids(campaigns: Sequence[Campaign]) -> list[str]:
    """One line for each file whose id an earlier file already has."""
    first_path: dict[str, Path | None] = {}
    problems: list[str] = []
    for campaign in campaigns:
        if campaign.id in first_path:
            problems.append(
                f"{campaign.path}: id: {campaign.id!r} is already the id of "
                f"{first_path[campaign.id]}; give each campaign an id of its own"
            )
        else:
            first_path[campaign.id] = campaign.path
    return problems


def _default(
    campaigns: Sequence[Campaign], folder: Path, default: str | None, default_file: Path | None
) -> Campaign:
    """The campaign CAMPAIGN names (by path or id), else `lachin-2023`, else the only one."""
    by_id = {campaign.id: campaign for campaign in campaigns}
    known = ", ".join(by_id)
    if default_file is not None:
        return next(c for c in campaigns if c.path and c.path.resolve() == default_file)
    if default:
        if default not in by_id:
            raise CampaignError(
                f"CAMPAIGN={default!r} is not a campaign in {folder} (there: {known}): set "
                "CAMPAIGN to one of these ids, or to the path of a campaign file."
            )
        return by_id[default]
    if DEFAULT_CAMPAIGN in by_id:
        return by_id[DEFAULT_CAMPAIGN]
    if len(campaigns) == 1:
        return campaigns[0]
    raise CampaignError(
        f"{folder} holds several campaigns ({known}) and CAMPAIGN is not set: set CAMPAIGN to "
        "the id of the default one, the campaign of supporters who come without a campaign link."
    )
