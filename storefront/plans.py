"""Subscription plans: how often a product is delivered again, and the dates that follows.

A plan is Klarna's `subscription` cadence, `interval` (DAY, WEEK, MONTH, YEAR) times
`interval_count`, written in the database and forms as a code such as "WEEK:2".
Klarna docs (the `subscription` object of an order line):
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from flask_babel import ngettext

ONE_TIME = ""  # the code of a one-time purchase: no plan
MAX_INTERVAL_COUNT = 12


class Interval(StrEnum):
    """Klarna's `subscription.interval` values."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    YEAR = "YEAR"


class InvalidPlan(ValueError):
    """A plan code that is not INTERVAL:COUNT with a known interval and a count of 1..12."""


@dataclass(frozen=True)
class Plan:
    """A delivery cadence: every `count` `interval`s."""

    interval: Interval
    count: int

    @classmethod
    def parse(cls, code: str) -> Plan:
        """The plan a code such as "MONTH:1" names; InvalidPlan if it names none."""
        interval, _, count = code.partition(":")
        if interval not in Interval.__members__ or not count.isdigit():
            raise InvalidPlan(f"unknown plan {code!r}")
        plan = cls(Interval(interval), int(count))
        if not 1 <= plan.count <= MAX_INTERVAL_COUNT:
            raise InvalidPlan(f"unknown plan {code!r}")
        return plan

    @property
    def code(self) -> str:
        """The plan as stored, e.g. "WEEK:2"."""
        return f"{self.interval.value}:{self.count}"

    @property
    def label(self) -> str:
        """How a shopper reads it, e.g. "every 2 weeks", "every month"."""
        unit = self.interval.value.lower()
        return f"every {unit}" if self.count == 1 else f"every {self.count} {unit}s"

    def renewal_date(self, start: date, period: int) -> date:
        """The date period number `period` (1, 2, ...) after `start` falls due."""
        steps = self.count * period
        if self.interval is Interval.DAY:
            return start + timedelta(days=steps)
        if self.interval is Interval.WEEK:
            return start + timedelta(weeks=steps)
        months = steps * (12 if self.interval is Interval.YEAR else 1)
        return add_months(start, months)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of a shorter month (31 Jan + 1: 28 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def parse_plans(codes: str) -> tuple[Plan, ...]:
    """The plans of a space-separated list of codes, as a product stores them."""
    return tuple(Plan.parse(code) for code in codes.split())


def plan_label(code: str) -> str:
    """A stored plan code as shoppers read it ("every 2 weeks"); "" for a one-time purchase."""
    return Plan.parse(code).label if code else ""


def cadence_label(code: str) -> str:
    """A stored plan code in the request's language ("alle 2 Wochen"); "" for a one-time one.

    `plan_label` stays English: it names the plan to Klarna and in the back office.
    """
    if not code:
        return ""
    plan = Plan.parse(code)
    if plan.interval is Interval.DAY:
        return ngettext("every day", "every %(num)d days", plan.count)
    if plan.interval is Interval.WEEK:
        return ngettext("every week", "every %(num)d weeks", plan.count)
    if plan.interval is Interval.MONTH:
        return ngettext("every month", "every %(num)d months", plan.count)
    return ngettext("every year", "every %(num)d years", plan.count)
