"""Klarna on/off per market: the merchant's switch, read by the payment page before any call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa

from storefront.admin_models import KlarnaMarketSetting
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.markets import MARKETS, Market
from storefront.services.errors import UnknownMarket
from storefront.services.rate_limits import UPSERTS

# The model's table, as a Table, for the Core upsert.
SETTING_TABLE = cast(sa.Table, KlarnaMarketSetting.__table__)


@dataclass(frozen=True)
class MarketSwitch:
    """Whether Klarna is offered in a market, and who last changed that and when."""

    market: Market
    enabled: bool
    updated_by: str | None
    updated_at: datetime | None


def klarna_enabled(market: str) -> bool:
    """Whether Klarna is offered in the market (it is, until an admin switches it off)."""
    setting = db.session.get(KlarnaMarketSetting, market)
    return setting is None or setting.klarna_enabled


def market_switches() -> list[MarketSwitch]:
    """Every market's switch, in the shop's market order."""
    settings = {row.market: row for row in db.session.scalars(sa.select(KlarnaMarketSetting))}
    return [
        MarketSwitch(
            market,
            enabled=(setting := settings.get(code)) is None or setting.klarna_enabled,
            updated_by=setting.updated_by if setting else None,
            updated_at=setting.updated_at if setting else None,
        )
        for code, market in MARKETS.items()
    ]


def switch_klarna(market: str, *, enabled: bool, by: str) -> None:
    """Turn Klarna on or off in a market; raise UnknownMarket for a market the shop lacks."""
    if market not in MARKETS:
        raise UnknownMarket("The shop does not sell in that market.")
    values = {"klarna_enabled": enabled, "updated_by": by, "updated_at": utcnow()}
    # One atomic upsert: two admins switching a market for the first time at once both succeed.
    insert = UPSERTS[db.session.get_bind().dialect.name]
    upsert = insert(SETTING_TABLE).values(market=market, **values)
    db.session.execute(
        upsert.on_conflict_do_update(index_elements=[SETTING_TABLE.c.market], set_=values)
    )
    db.session.commit()
