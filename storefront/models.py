"""Database models: typed SQLAlchemy 2 declarations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Model
from storefront.order_status import ORDER_TRANSITIONS, InvalidTransition, OrderStatus
from storefront.plans import Plan, parse_plans
from storefront.pricing import LineKind


class Product(Model):
    """A catalog item; its price lives per market in `ProductPrice`, never converted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(64), index=True)
    tax_class: Mapped[str] = mapped_column(sa.String(32))
    image: Mapped[str] = mapped_column(sa.String(200))
    # Subscription plans offered (storefront.plans codes, space-separated); "" for none.
    plans: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    sold_one_time: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A subscription's first delivery is free (nothing to pay at checkout).
    free_trial: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    prices: Mapped[list[ProductPrice]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )

    @property
    def offered_plans(self) -> tuple[Plan, ...]:
        """The subscription plans the product is sold with (none: one-time only)."""
        return parse_plans(self.plans or "")


class ProductPrice(Model):
    """A product's unit price in one market, in that market's minor units."""

    __table_args__ = (sa.UniqueConstraint("product_id", "market"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(sa.String(2))
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)

    product: Mapped[Product] = relationship(back_populates="prices")


class Coupon(Model):
    """A coupon code, valid between two dates; its amounts live per market in CouponMarketTerms."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # a storefront.coupons.CouponKind
    percent_off_bp: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)  # last valid day; None: no end
    # Shown on the home page for trying the shop; a merchant's real codes are never listed.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    market_terms: Mapped[list[CouponMarketTerms]] = relationship(
        back_populates="coupon", cascade="all, delete-orphan"
    )


class CouponMarketTerms(Model):
    """What a coupon is worth in one market: a fixed amount off and a minimum goods subtotal."""

    __table_args__ = (sa.UniqueConstraint("coupon_id", "market"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(sa.ForeignKey("coupon.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(sa.String(2))
    amount_off_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    minimum_subtotal_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    coupon: Mapped[Coupon] = relationship(back_populates="market_terms")


class Cart(Model):
    """A shopper's cart and checkout choices, found by the random token in their session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    market: Mapped[str] = mapped_column(sa.String(2))
    coupon_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coupon.id", ondelete="SET NULL"))
    shipping_method: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(99), default="")
    phone: Mapped[str] = mapped_column(sa.String(99), default="")
    ship_to_billing: Mapped[bool] = mapped_column(default=True)
    # The headless doors' random cart id (storefront.services.headless_carts); None for a
    # cart only the pages use. Not the session token: knowing one must not give the other.
    masked_id: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    # The payment method a headless client chose, with the Klarna authorization it brought
    # ({code, authorization_token, klarna_session_id, purchase_fingerprint}); placing the
    # order uses it. The pages send the token with the place-order POST instead.
    selected_payment: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )
    addresses: Mapped[list[CartAddress]] = relationship(
        back_populates="cart", cascade="all, delete-orphan"
    )
    coupon: Mapped[Coupon | None] = relationship()


class CartLine(Model):
    """A product and its quantity in a cart; the price is looked up per market, never stored."""

    __table_args__ = (
        sa.UniqueConstraint("cart_id", "product_id"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    # The shopper's choice: storefront.plans.ONE_TIME ("") or a plan code of the product.
    plan: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class AddressKind(StrEnum):
    """Which of the cart's addresses a row is."""

    BILLING = "billing"
    SHIPPING = "shipping"


class CartAddress(Model):
    """The billing or shipping address entered at checkout, normalized (storefront.addresses)."""

    __table_args__ = (sa.UniqueConstraint("cart_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # an AddressKind
    given_name: Mapped[str] = mapped_column(sa.String(99))
    family_name: Mapped[str] = mapped_column(sa.String(99))
    street_address: Mapped[str] = mapped_column(sa.String(99))
    street_address2: Mapped[str] = mapped_column(sa.String(99), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(10))
    city: Mapped[str] = mapped_column(sa.String(99))
    region: Mapped[str] = mapped_column(sa.String(99), default="")
    country: Mapped[str] = mapped_column(sa.String(2))

    cart: Mapped[Cart] = relationship(back_populates="addresses")


class Payment(Model):
    """A cart's Klarna payment: its reserved order number and the Klarna session it pays in.

    One per cart, created when the shopper reaches the payment step. The order number is
    reserved once and sent as `merchant_reference1`; the Klarna session may be replaced (it
    expired, or the market changed) and the callback secret with it. The row outlives its
    cart, which is deleted once the order is placed.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cart.id", ondelete="SET NULL"), unique=True
    )
    order_number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    market: Mapped[str] = mapped_column(sa.String(2))
    klarna_session_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    client_token: Mapped[str | None] = mapped_column(sa.Text)
    # Klarna's offered categories as [{identifier, name, asset_url}], shown as Klarna sent them.
    payment_method_categories: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    # sha256 of the exact body last sent to create or update session.
    payload_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    session_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Proves an authorization callback comes from Klarna (it sits in the URL Klarna was given).
    callback_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # Klarna refused this shopper and cart (hard decline): Klarna is not offered for them.
    declined_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # sha256 of the purchase declined (cart and customer details): a changed one lifts it.
    declined_purchase_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    # The payment_method_category the shopper authorized in (the page posts it with the token).
    payment_method_category: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    cart: Mapped[Cart | None] = relationship()
    order: Mapped[Order | None] = relationship(back_populates="payment")
    events: Mapped[list[PaymentEvent]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="PaymentEvent.id"
    )


class Order(Model):
    """A shop order: what was bought, where it goes, and its Klarna order's state.

    Exactly one per Klarna session (unique `klarna_session_id`) and per payment. Lines,
    amounts and addresses are copied from the cart when the order is claimed, so the order
    keeps what Klarna was asked to pay for after the cart is gone.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), unique=True)
    # None for a subscription renewal: a token order has no session or authorization.
    klarna_session_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Kept while the order is placed, to send create order again or cancel the authorization.
    klarna_authorization_token: Mapped[str | None] = mapped_column(sa.String(255))
    # The exact create-order body sent with that token: an answer that got lost is recovered by
    # sending the identical request again, which Klarna answers with the order it made.
    klarna_order_request: Mapped[dict | None] = mapped_column(sa.JSON)
    klarna_order_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    klarna_fraud_status: Mapped[str | None] = mapped_column(sa.String(16))
    klarna_payment_method: Mapped[str | None] = mapped_column(sa.String(32))
    # The plan Klarna authorized: days to pay (pay later) or number of instalments (slice it).
    klarna_payment_days: Mapped[int | None]
    klarna_instalments: Mapped[int | None]
    coupon_code: Mapped[str | None] = mapped_column(sa.String(32))  # the coupon that applied
    shipping_method: Mapped[str | None] = mapped_column(sa.String(32))  # a ShippingMethod code
    # When the confirmation e-mail was handed to the mail backend: set once, by one attempt.
    confirmation_mailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(sa.String(8))  # the shopper's, for its e-mail
    status: Mapped[str] = mapped_column(sa.String(16))  # an OrderStatus
    market: Mapped[str] = mapped_column(sa.String(2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    email: Mapped[str] = mapped_column(sa.String(99))
    phone: Mapped[str] = mapped_column(sa.String(99))
    billing_address: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    shipping_address: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    tax_minor: Mapped[int] = mapped_column(sa.BigInteger)
    tax_included: Mapped[bool]  # VAT inside the line totals, or US sales tax on top
    claimed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # While PLACING: until when the attempt sending create order holds the claim. Past it (the
    # attempt died, or gave up not knowing Klarna's answer) another attempt may take the claim
    # over and send `klarna_order_request` again. None: not held (an order claimed before 0004).
    claim_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Money moved after the purchase, kept equal to Klarna's order (services.order_actions).
    captured_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    refunded_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    released_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # Klarna's capture deadline (`expires_at`), once read back; extend-authorization-time moves it.
    authorization_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    ALLOWED_TRANSITIONS: ClassVar[dict[OrderStatus, frozenset[OrderStatus]]] = ORDER_TRANSITIONS

    payment: Mapped[Payment] = relationship(back_populates="order")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )

    @property
    def goods_subtotal_minor(self) -> int:
        """The goods before discounts."""
        return sum(line.quantity * line.unit_price_minor for line in self.goods_lines)

    @property
    def discount_minor(self) -> int:
        """What the coupon took off the goods."""
        return sum(line.discount_minor for line in self.goods_lines)

    @property
    def shipping_minor(self) -> int:
        """What shipping cost, after any free-shipping coupon."""
        return sum(line.total_minor for line in self.lines if line.kind == LineKind.SHIPPING)

    @property
    def goods_lines(self) -> list[OrderLine]:
        """The product lines."""
        return [line for line in self.lines if line.kind == LineKind.GOODS]

    @classmethod
    def check_transition(cls, current: OrderStatus, new: OrderStatus) -> None:
        """Raise InvalidTransition unless ALLOWED_TRANSITIONS leads from `current` to `new`."""
        if new not in cls.ALLOWED_TRANSITIONS[current]:
            raise InvalidTransition(current, new)

    def transition_to(self, new: OrderStatus) -> None:
        """Move to `new` if ALLOWED_TRANSITIONS allows it, else raise InvalidTransition."""
        self.check_transition(OrderStatus(self.status), new)
        self.status = new


class OrderLine(Model):
    """A line of an order as Klarna was sent it: goods or shipping, with its discount and VAT."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # a LineKind
    reference: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(255))
    quantity: Mapped[int]
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    discount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    tax_rate_bp: Mapped[int]
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines")


class PaymentEventKind(StrEnum):
    """What happened to a payment, as its append-only event log records it."""

    SESSION_CREATED = "session_created"
    SESSION_UPDATED = "session_updated"
    SESSION_DISCARDED = "session_discarded"
    ORDER_CLAIMED = "order_claimed"
    ORDER_CLAIM_TAKEN_OVER = "order_claim_taken_over"
    ORDER_CREATED = "order_created"
    ORDER_REFUSED = "order_refused"
    ORDER_OUTCOME_UNKNOWN = "order_outcome_unknown"
    AUTHORIZATION_CANCELLED = "authorization_cancelled"
    CALLBACK_CONFIRMED = "callback_confirmed"
    FRAUD_DECISION = "fraud_decision"
    NOTIFICATION_IGNORED = "notification_ignored"
    DECLINED = "declined"
    DECLINE_LIFTED = "decline_lifted"
    # Order management: the shop's own actions, or found by reconcile (made outside the shop).
    CAPTURED = "captured"
    REFUNDED = "refunded"
    ORDER_CANCELLED = "order_cancelled"
    AUTHORIZATION_RELEASED = "authorization_released"
    AUTHORIZATION_EXTENDED = "authorization_extended"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    REFERENCES_UPDATED = "references_updated"
    SHIPPING_INFO_ADDED = "shipping_info_added"
    ACTION_REFUSED = "action_refused"
    ACTION_OUTCOME_UNKNOWN = "action_outcome_unknown"


CALLBACK_CONFIRMED = PaymentEventKind.CALLBACK_CONFIRMED.value


class PaymentEvent(Model):
    """One thing that happened to a payment, with Klarna's ids for it; never changed afterwards."""

    __table_args__ = (
        # Klarna's authorization callback is answered with the order once per payment: of
        # simultaneous identical callbacks exactly one inserts this event, on any database
        # (storefront.services.order_placement.place_from_callback).
        sa.Index(
            "uq_payment_event_callback_confirmed",
            "payment_id",
            unique=True,
            sqlite_where=sa.text(f"kind = '{CALLBACK_CONFIRMED}'"),
            postgresql_where=sa.text(f"kind = '{CALLBACK_CONFIRMED}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # a PaymentEventKind
    amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Klarna's id of what the event is about: a session id or an order id.
    klarna_reference: Mapped[str | None] = mapped_column(sa.String(64))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    payment: Mapped[Payment] = relationship(back_populates="events")


@sa.event.listens_for(PaymentEvent, "before_update")
def refuse_event_change(mapper: object, connection: object, event: PaymentEvent) -> None:
    """The payment log is append-only: an event, once written, is never changed."""
    raise ValueError(f"payment event {event.id} is append-only")


class RateLimitWindow(Model):
    """Attempts one client made at one rate-limited action in one fixed time window.

    Kept in the database, not in process memory, so the limit holds across gunicorn workers
    and machines behind a load balancer. `client_key` is a keyed hash, never a raw address.
    """

    __table_args__ = (sa.UniqueConstraint("action", "client_key", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    client_key: Mapped[str] = mapped_column(sa.String(64))
    window_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    attempts: Mapped[int]
