"""Campaign data: what a campaign demands, of whom, and on what source."""

from bot.campaign.loader import CampaignError, find_campaign, load_campaign
from bot.campaign.model import Campaign, Channel, Demand, LookupTarget, Source, Target

__all__ = [
    "Campaign",
    "CampaignError",
    "Channel",
    "Demand",
    "LookupTarget",
    "Source",
    "Target",
    "find_campaign",
    "load_campaign",
]
