"""The dashboard's snapshots: computed once when there is none (requests meanwhile share that
computation), then served at once, and refreshed in the background only when old."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.campaign import Campaign
from bot.web.snapshots import Snapshots


class Counting:
    """A computation that counts its runs and waits for `release` when told to."""

    def __init__(self) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, campaign: Campaign) -> dict[str, Any]:
        self.runs += 1
        await self.release.wait()
        return {"id": campaign.id, "run": self.runs}


async def test_one_computation_is_shared_then_served(campaign: Campaign) -> None:
    compute = Counting()
    compute.release.clear()
    snapshots = Snapshots(compute, max_age=3600, cheap=0)
    waiting = [asyncio.create_task(snapshots.get(campaign)) for _ in range(3)]
    await asyncio.sleep(0)
    compute.release.set()
    assert [await task for task in waiting] == [{"id": campaign.id, "run": 1}] * 3
    assert await snapshots.get(campaign) == {"id": campaign.id, "run": 1}
    snapshots.warm(campaign)  # fresh: nothing to do
    assert compute.runs == 1


async def test_an_old_snapshot_is_served_while_it_is_refreshed(campaign: Campaign) -> None:
    compute = Counting()
    snapshots = Snapshots(compute, max_age=0, cheap=0)
    assert (await snapshots.get(campaign))["run"] == 1
    compute.release.clear()
    assert (await snapshots.get(campaign))["run"] == 1  # old, served at once
    await asyncio.sleep(0)
    assert (await snapshots.get(campaign))["run"] == 1  # the refresh under way is not doubled
    await asyncio.sleep(0)
    assert compute.runs == 2
    compute.release.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert (await snapshots.get(campaign))["run"] == 2


async def test_a_failed_refresh_keeps_the_old_snapshot(campaign: Campaign) -> None:
    calls = 0

    async def flaky(campaign: Campaign) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("database gone for a moment")
        return {"call": calls}

    snapshots = Snapshots(flaky, max_age=0, cheap=0)
    assert await snapshots.get(campaign) == {"call": 1}
    assert await snapshots.get(campaign) == {"call": 1}  # starts the refresh that fails
    for _ in range(5):
        await asyncio.sleep(0)
    assert await snapshots.get(campaign) == {"call": 1}  # and starts another
    for _ in range(5):
        await asyncio.sleep(0)
    assert await snapshots.get(campaign) == {"call": 3}


async def test_cheap_numbers_are_fresh_for_every_request(campaign: Campaign) -> None:
    """A small campaign's numbers take milliseconds: no snapshot stands between a letter and
    the dashboard, whatever its age."""
    compute = Counting()
    snapshots = Snapshots(compute, max_age=3600)  # the default CHEAP
    assert [(await snapshots.get(campaign))["run"] for _ in range(3)] == [1, 2, 3]
