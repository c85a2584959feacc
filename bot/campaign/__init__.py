"""Campaign data: what a campaign demands, of whom, and on what source."""

from bot.campaign.loader import CampaignError, find_campaign, load_campaign
from bot.campaign.model import (
    CONGRESS,
    Ask,
    Campaign,
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
    "Channel",
    "Demand",
    "LookupTarget",
    "Point",
    "Source",
    "Target",
    "find_campaign",
    "load_campaign",
]
