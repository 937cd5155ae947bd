"""Cart service: find or create a cart, add, change and remove items, switch market.

Every cart mutation is a function here returning nothing or raising a ShopError whose
message the view shows, so the cart page and the payment step call the same code. Prices are
never taken from the client: a line holds a product and a quantity, and its price is looked up
in the cart's market whenever the cart is priced.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from storefront.extensions import db
from storefront.i18n import country_name
from storefront.markets import MARKETS, Market
from storefront.models import Cart, CartLine, Coupon, Order, OrderStatus, Product, ProductPrice
from storefront.plans import ONE_TIME
from storefront.services.errors import (
    CartChanged,
    NotInCart,
    OrderBeingConfirmed,
    QuantityOutOfRange,
    UnavailablePlan,
    UnknownMarket,
    UnknownProduct,
)
from storefront.services.klarna_session import discard_cart_session
from storefront.services.payments import existing_payment
from storefront.shipping import shipping_method

MIN_QUANTITY = 1
MAX_QUANTITY = 99


def find_cart(token: str | None, *, for_update: bool = False) -> Cart | None:
    """The cart with this session token, with everything pricing needs loaded up front.

    Loading lines, products, addresses and coupon terms eagerly keeps the number of queries
    the same for a cart of 1 line or of 30. The lines and addresses are joined into the cart's
    own query (a cart has at most two addresses, so the rows stay few): one query, where a
    query per relationship took three times as long. `for_update` locks the cart row
    (PostgreSQL) so two requests of one shopper cannot change it at the same time.
    """
    if not token:
        return None
    return find_cart_where(Cart.token == token, for_update=for_update)


def find_cart_where(condition: sa.ColumnElement[bool], *, for_update: bool = False) -> Cart | None:
    """The one cart matching `condition` (a unique column), loaded and locked as `find_cart`."""
    query = (
        sa.select(Cart)
        .where(condition)
        .options(
            joinedload(Cart.lines).joinedload(CartLine.product),
            joinedload(Cart.addresses),
            joinedload(Cart.coupon).selectinload(Coupon.market_terms),
        )
    )
    if for_update:
        query = query.with_for_update(of=Cart)
    return db.session.scalars(query).unique().one_or_none()


def require_editable(cart: Cart) -> None:
    """Refuse every change to a cart whose order is being placed (OrderBeingConfirmed).

    The order's create order was built from the cart as it was claimed, so a change now would
    not reach Klarna; and the cart's payment must keep the Klarna session its callbacks and
    notifications are found by. Call it before changing anything. It locks the payment row
    (PostgreSQL) as placing an order does, so an edit and a claim go one after the other and
    the edit sees a claim committed before it.
    """
    payment = existing_payment(cart)
    if payment is None:
        return
    placing = db.session.scalars(
        sa.select(Order.number).where(
            Order.payment_id == payment.id, Order.status == OrderStatus.PLACING
        )
    ).one_or_none()
    if placing is not None:
        raise OrderBeingConfirmed(placing)


def create_cart(market: Market, *, masked_id: str | None = None) -> Cart:
    """A new, empty cart in a market, with an unguessable token for the session cookie.

    `masked_id`: the id a headless door gives its client instead (services.headless_carts).
    """
    cart = Cart(token=secrets.token_urlsafe(32), market=market.code, masked_id=masked_id)
    db.session.add(cart)
    db.session.commit()
    return cart


def item_count(token: str | None) -> int:
    """How many items (sum of quantities) the session's cart holds, for the header."""
    if not token:
        return 0
    query = sa.select(sa.func.coalesce(sa.func.sum(CartLine.quantity), 0)).join(Cart)
    return db.session.scalar(query.where(Cart.token == token)) or 0


def check_quantity(quantity: int) -> None:
    """Refuse a quantity outside 1..99."""
    if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise QuantityOutOfRange(
            gettext(
                "Choose a quantity from %(min)s to %(max)s; %(quantity)s is not possible.",
                min=MIN_QUANTITY,
                max=MAX_QUANTITY,
                quantity=quantity,
            )
        )


def check_plan(product: Product, plan: str) -> None:
    """Refuse a purchase option the product is not sold with (UnavailablePlan)."""
    allowed = {p.code for p in product.offered_plans} | (
        {ONE_TIME} if product.sold_one_time else set()
    )
    if plan not in allowed:
        raise UnavailablePlan(
            gettext(
                "%(product)s is not sold that way; choose one of the options shown.",
                product=product.name,
            )
        )


def add_item(cart: Cart, sku: str, quantity: int, plan: str = ONE_TIME) -> None:
    """Add `quantity` of a product sold in the cart's market (adding to a line already there).

    `plan` is the shopper's choice, one-time or a subscription plan; a product is in a cart
    once, so adding it again with another choice changes the line's choice.
    """
    check_quantity(quantity)
    product = db.session.scalars(
        sa.select(Product)
        .join(ProductPrice)
        .where(Product.sku == sku, ProductPrice.market == cart.market)
    ).one_or_none()
    if product is None:
        raise UnknownProduct(gettext("That product does not exist or is not sold in your country."))
    check_plan(product, plan)
    line = next((line for line in cart.lines if line.product_id == product.id), None)
    if line is None:
        cart.lines.append(CartLine(product=product, quantity=quantity, plan=plan))
    elif line.quantity + quantity > MAX_QUANTITY:
        raise QuantityOutOfRange(
            gettext(
                "You can have at most %(max)s of %(product)s in your cart; it already holds"
                " %(quantity)s.",
                max=MAX_QUANTITY,
                product=product.name,
                quantity=line.quantity,
            )
        )
    else:
        line.quantity += quantity
        line.plan = plan
    commit(cart)


def change_quantity(cart: Cart, sku: str, quantity: int) -> None:
    """Set the quantity of a product already in the cart."""
    check_quantity(quantity)
    line_for(cart, sku).quantity = quantity
    commit(cart)


def remove_item(cart: Cart, sku: str) -> None:
    """Take a product out of the cart."""
    cart.lines.remove(line_for(cart, sku))
    commit(cart)


def line_for(cart: Cart, sku: str) -> CartLine:
    """The cart's line for a product, or NotInCart."""
    line = next((line for line in cart.lines if line.product.sku == sku), None)
    if line is None:
        raise NotInCart(gettext("That product is not in your cart any more."))
    return line


def switch_market(cart: Cart, code: str) -> list[str]:
    """Move the cart to another market; return what had to change, for the shopper.

    Products stay and are re-priced from their prices in the new market; choices that do not
    fit it (a product not sold there, a coupon without terms there, a shipping method it does
    not offer, addresses in another country) are removed.
    """
    market = MARKETS.get(code)
    if market is None:
        raise UnknownMarket(gettext("The shop does not sell in that country."))
    if market.code == cart.market:
        return []
    notices = []
    country = country_name(market.country)
    sold_there = set(
        db.session.scalars(
            sa.select(ProductPrice.product_id).where(
                ProductPrice.market == market.code,
                ProductPrice.product_id.in_([line.product_id for line in cart.lines]),
            )
        )
    )
    for line in [line for line in cart.lines if line.product_id not in sold_there]:
        cart.lines.remove(line)
        notices.append(
            gettext(
                "%(product)s is not sold in %(country)s; it was removed.",
                product=line.product.name,
                country=country,
            )
        )
    if cart.coupon and market.code not in {t.market for t in cart.coupon.market_terms}:
        notices.append(
            gettext(
                "Coupon %(code)s does not apply in %(country)s; removed.",
                code=cart.coupon.code,
                country=country,
            )
        )
        cart.coupon = None
    if cart.shipping_method and shipping_method(market.code, cart.shipping_method) is None:
        cart.shipping_method = None
        notices.append(gettext("Please choose a shipping method again for the new country."))
    moved = [address for address in cart.addresses if address.country != market.country]
    for address in moved:
        cart.addresses.remove(address)
    if moved:
        cart.ship_to_billing = True
        notices.append(gettext("Please enter an address in %(country)s.", country=country))
    cart.market = market.code
    commit(cart)
    return notices


def commit(cart: Cart) -> None:
    """Commit a cart change; a clash with a simultaneous change becomes CartChanged."""
    if not cart.lines:
        # Never keep a Klarna session for an empty cart, whichever page emptied it: Klarna
        # lets an unused session expire, and a new one is created for the next purchase.
        discard_cart_session(cart)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CartChanged(
            gettext("Your cart changed in another window. Please try again.")
        ) from None
