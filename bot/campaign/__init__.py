"""Campaign data: what a campaign demands, of whom, and on what source."""

from bot.campaign.loader import CampaignError, find_campaign, load_campaign
from bot.campaign.model import Campaign, CampaignState
from bot.campaign.parts import (
    CONGRESS,
    Ask,
    Channel,
    Demand,
    LookupTarget,
    Point,
    Source,
    Target,
)

__all__ = [
    "CONGRESS",
    "Ask",
    "Campaign",
    "CampaignError",
    "CampaignState",
    "Channel",
    "Demand",
    "LookupTarget",
    "Point",
    "Source",
    "Target",
    "find_campaign",
    "load_campaign",
]
