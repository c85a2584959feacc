"""The dashboard's endpoints over ASGI: the numbers of the campaign asked for (the same as
/stats), refused to anyone but an organizer with a fresh initData, and the exports, personal
data only with `confirm=yes`. The seed (tests/reports/data.py) has numbers worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from bot.campaign import Campaign, load_campaign
from bot.campaign.catalogue import Catalogue
from bot.places import US_STATES
from bot.store import Store
from bot.telegram.supporters.use_cases import UseCases
from bot.web.app import web_app
from bot.web.context import WebContext
from bot.web.init_data import sign
from tests.reports.data import ARMENIAN, CAMPAIGN, OTHER, TODAY, seed, tiny_campaign_toml

TOKEN = "123456:TEST-token-for-the-dashboard-0123456789"
ORGANIZER, SUPPORTER = 1001, 2002
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)


def init_data(user_id: int, at: datetime = NOW, token: str = TOKEN) -> str:
    user = json.dumps({"id": user_id, "first_name": "Ani"})
    return sign({"user": user, "auth_date": str(int(at.timestamp()))}, token)


def tma(user_id: int = ORGANIZER, **given: object) -> dict[str, str]:
    return {"Authorization": f"tma {init_data(user_id, **given)}"}  # type: ignore[arg-type]


def campaign_file(tmp_path: Path, campaign_id: str) -> Campaign:
    path = tmp_path / f"{campaign_id}.toml"
    path.write_text(tiny_campaign_toml(campaign_id), encoding="utf-8")
    return load_campaign(path)


@pytest.fixture
async def client(tmp_store: Store, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    seed(tmp_store)
    tiny, other = campaign_file(tmp_path, CAMPAIGN), campaign_file(tmp_path, OTHER)
    catalogue = Catalogue((other, tiny), tiny)
    use = UseCases(catalogue, tmp_store)
    web = WebContext(use, frozenset({ORGANIZER}), TOKEN, Bot(TOKEN), clock=lambda: NOW)
    transport = httpx.ASGITransport(app=web_app(web))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_an_organizer_gets_the_default_campaigns_numbers(client: httpx.AsyncClient) -> None:
    response = await client.get("/app/api/dashboard", headers=tma())
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["campaign"] == {"id": CAMPAIGN, "title": data["campaign"]["title"], "state": "open"}
    totals = data["totals"]
    assert (totals["supporters"], totals["writers"], totals["drafted"], totals["sent"]) == (
        5,
        4,
        6,
        5,
    )
    assert totals["share_sent"] == pytest.approx(5 / 6)
    assert data["median_score"] == pytest.approx(0.5)  # means 0.3 (s1), 0.9, 0.3, 0.7
    assert data["computed_at"] == NOW.isoformat(timespec="seconds")
    assert [c["id"] for c in data["campaigns"]] == [CAMPAIGN, OTHER]  # the default first
    assert len(data["by_day"]) == 30 and data["by_day"][-1]["day"] == TODAY.isoformat()
    assert [(d["drafted"], d["sent"]) for d in data["by_demand"][:3]] == [(3, 3), (2, 2), (1, 0)]
    assert set(data["map"]) <= set(US_STATES) and len(data["map"]) == 51
    assert "DC" in data["map"] and "PR" not in data["map"]
    assert data["map"]["CA"]["drafted"] == 3 and data["map"]["NY"]["drafted"] == 1
    assert data["map"]["TX"] == {"drafted": 0, "sent": 0, "supporters": 0}
    per_campaign = {row["id"]: row for row in data["by_campaign"]}
    assert (per_campaign[CAMPAIGN]["drafted"], per_campaign[OTHER]["drafted"]) == (6, 2)
    assert isinstance(data["freshness"], list)
    assert {"by_recipient", "by_state", "by_source", "by_party", "score_meaning"} <= set(data)


async def test_another_campaign_by_id_and_an_unknown_one(client: httpx.AsyncClient) -> None:
    other = await client.get("/app/api/dashboard?campaign=other", headers=tma())
    assert other.json()["campaign"]["id"] == OTHER
    assert other.json()["totals"]["drafted"] == 2
    unknown = await client.get("/app/api/dashboard?campaign=nope", headers=tma())
    assert unknown.status_code == 404 and "nope" in unknown.json()["error"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer x"}, 401),
        (tma(token="654321:another-bots-token"), 401),  # tampered: not signed with ours
        (tma(at=NOW - timedelta(hours=1, minutes=1)), 401),  # expired
        (tma(SUPPORTER), 403),
    ],
)
async def test_anyone_else_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    for path in ("/app/api/dashboard", "/app/api/export?what=summary"):
        response = await client.get(path, headers=headers)
        assert response.status_code == status and response.json()["error"]


def rows(response: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_exports_reuse_the_writers(client: httpx.AsyncClient) -> None:
    summary = await client.get("/app/api/export?what=summary", headers=tma())
    assert summary.status_code == 200 and summary.headers["content-type"].startswith("text/csv")
    assert f'filename="{CAMPAIGN}-summary-{TODAY}.csv"' in summary.headers["content-disposition"]
    assert sum(int(row["letters"]) for row in rows(summary)) == 7  # 6 letters, one with 2 demands
    letters = await client.get(f"/app/api/export?campaign={OTHER}&what=letters", headers=tma())
    assert len(rows(letters)) == 2 and ARMENIAN not in letters.text
    bad = await client.get("/app/api/export?what=everything", headers=tma())
    assert bad.status_code == 400


async def test_personal_data_only_with_confirmation(client: httpx.AsyncClient) -> None:
    refused = await client.get("/app/api/export?what=personal", headers=tma())
    assert refused.status_code == 400 and "confirm" in refused.json()["error"]
    unconfirmed = await client.get("/app/api/export?what=personal&confirm=no", headers=tma())
    assert unconfirmed.status_code == 400
    given = await client.get("/app/api/export?what=personal&confirm=yes", headers=tma())
    assert given.status_code == 200 and "-letters-personal-" in given.headers["content-disposition"]
    assert ARMENIAN in given.content.decode("utf-8-sig")
    people = await client.get(
        "/app/api/export?what=personal&of=supporters&confirm=yes", headers=tma()
    )
    names = [value for row in rows(people) for value in row.values()]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names  # the formula guard
