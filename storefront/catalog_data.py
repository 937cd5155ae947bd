"""The demo catalog: products, categories, tax classes and per-market prices in minor units.

US prices are net of sales tax; GB, DE and SE prices include VAT, as shoppers there expect.
Tax classes are storefront.markets.TaxClass values; each market maps them to its own rates.
Subscription products list their plans (storefront.plans codes, e.g. "WEEK:2"); `one_time`
says whether they are also sold once, `free_trial` that the first delivery costs nothing.
"""

from __future__ import annotations

from datetime import date
from typing import NotRequired, TypedDict


class ProductSeed(TypedDict):
    """One product of the demo catalog, with its unit price per market code."""

    sku: str
    slug: str
    name: str
    description: str
    category: str
    tax_class: str
    image: str
    prices: dict[str, int]
    plans: NotRequired[str]  # space-separated plan codes; absent: not sold by subscription
    one_time: NotRequired[bool]  # also sold once (default True)
    free_trial: NotRequired[bool]  # the first delivery of a subscription is free


DEMO_PRODUCTS: tuple[ProductSeed, ...] = (
    ProductSeed(
        sku="TEE-ORG",
        slug="organic-cotton-tee",
        name="Organic Cotton Tee",
        description="A heavyweight tee in undyed organic cotton.",
        category="Apparel",
        tax_class="standard",
        image="img/products/tee.svg",
        prices={"US": 2500, "GB": 2000, "DE": 2499, "SE": 24900},
    ),
    ProductSeed(
        sku="HOOD-MER",
        slug="merino-hoodie",
        name="Merino Hoodie",
        description="Warm, breathable, and it does not itch.",
        category="Apparel",
        tax_class="standard",
        image="img/products/hoodie.svg",
        prices={"US": 8900, "GB": 7500, "DE": 8995, "SE": 89900},
    ),
    ProductSeed(
        sku="SOCK-3PK",
        slug="wool-socks-3-pack",
        name="Wool Socks (3 pack)",
        description="Three pairs of ribbed wool socks.",
        category="Apparel",
        tax_class="standard",
        image="img/products/socks.svg",
        prices={"US": 1800, "GB": 1500, "DE": 1799, "SE": 17900},
    ),
    ProductSeed(
        sku="CAP-CANV",
        slug="canvas-cap",
        name="Canvas Cap",
        description="Six-panel cap with an adjustable strap.",
        category="Apparel",
        tax_class="standard",
        image="img/products/cap.svg",
        prices={"US": 2200, "GB": 1800, "DE": 2199, "SE": 21900},
    ),
    ProductSeed(
        sku="MUG-STN",
        slug="stoneware-mug",
        name="Stoneware Mug",
        description="Hand-glazed, 350 ml, dishwasher safe.",
        category="Home",
        tax_class="standard",
        image="img/products/mug.svg",
        prices={"US": 1600, "GB": 1200, "DE": 1495, "SE": 14900},
    ),
    ProductSeed(
        sku="LAMP-DSK",
        slug="desk-lamp",
        name="Desk Lamp",
        description="A warm LED lamp with a weighted brass base.",
        category="Home",
        tax_class="standard",
        image="img/products/lamp.svg",
        prices={"US": 12900, "GB": 9900, "DE": 11900, "SE": 119900},
    ),
    ProductSeed(
        sku="THRW-LIN",
        slug="linen-throw",
        name="Linen Throw",
        description="Stonewashed linen, 130 x 170 cm.",
        category="Home",
        tax_class="standard",
        image="img/products/throw.svg",
        prices={"US": 7400, "GB": 5900, "DE": 6990, "SE": 69900},
    ),
    ProductSeed(
        sku="BOOK-BRD",
        slug="the-bread-book",
        name="The Bread Book",
        description="Sourdough from first starter to Sunday loaf.",
        category="Books",
        tax_class="books",
        image="img/products/book-bread.svg",
        prices={"US": 2999, "GB": 2250, "DE": 2800, "SE": 29900},
    ),
    ProductSeed(
        sku="BOOK-NRD",
        slug="nordic-walks",
        name="Nordic Walks",
        description="Forty day walks from Skåne to Lapland.",
        category="Books",
        tax_class="books",
        image="img/products/book-walks.svg",
        prices={"US": 1999, "GB": 1599, "DE": 1900, "SE": 19900},
    ),
    ProductSeed(
        sku="COF-BEAN",
        slug="coffee-beans",
        name="Coffee Beans 500 g",
        description="A washed Ethiopian roast, light and bright.",
        category="Pantry",
        tax_class="food",
        image="img/products/coffee.svg",
        prices={"US": 1650, "GB": 1350, "DE": 1590, "SE": 16900},
        plans="WEEK:2 WEEK:4",
    ),
    ProductSeed(
        sku="HNY-WLD",
        slug="wildflower-honey",
        name="Wildflower Honey",
        description="Raw honey from a single apiary, 350 g.",
        category="Pantry",
        tax_class="food",
        image="img/products/honey.svg",
        prices={"US": 1200, "GB": 950, "DE": 1149, "SE": 11900},
    ),
    ProductSeed(
        sku="CHOC-DRK",
        slug="dark-chocolate",
        name="Dark Chocolate 72 %",
        description="Bean-to-bar, 100 g.",
        category="Pantry",
        tax_class="confectionery",
        image="img/products/chocolate.svg",
        prices={"US": 550, "GB": 450, "DE": 499, "SE": 4900},
    ),
    ProductSeed(
        sku="MAG-FLD",
        slug="field-journal-magazine",
        name="Field Journal (monthly magazine)",
        description="Walks, recipes and makers from the north, in print every month.",
        category="Books",
        tax_class="books",
        image="img/products/magazine.svg",
        prices={"US": 900, "GB": 700, "DE": 850, "SE": 8900},
        plans="MONTH:1",
        one_time=False,
    ),
    ProductSeed(
        sku="TEA-CLUB",
        slug="tea-club-box",
        name="Tea Club Box",
        description="Three loose-leaf teas a month. Your first box is free.",
        category="Pantry",
        tax_class="food",
        image="img/products/tea.svg",
        prices={"US": 2400, "GB": 1900, "DE": 2200, "SE": 22900},
        plans="MONTH:1",
        one_time=False,
        free_trial=True,
    ),
)


class CouponSeed(TypedDict):
    """One demo coupon: its kind and dates, and per market (amount off, minimum subtotal)."""

    code: str
    kind: str
    percent_off_bp: int
    valid_from: date
    valid_until: date | None
    terms: dict[str, tuple[int, int]]


DEMO_COUPONS: tuple[CouponSeed, ...] = (
    CouponSeed(
        code="WELCOME10",
        kind="percent",
        percent_off_bp=1000,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (0, 3000), "GB": (0, 2500), "DE": (0, 3000), "SE": (0, 30000)},
    ),
    CouponSeed(
        code="TAKE10",
        kind="fixed_amount",
        percent_off_bp=0,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (1000, 6000), "GB": (800, 5000), "DE": (1000, 6000), "SE": (10000, 60000)},
    ),
    CouponSeed(
        code="FREESHIP",
        kind="free_shipping",
        percent_off_bp=0,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (0, 2500), "GB": (0, 2000), "DE": (0, 2500), "SE": (0, 25000)},
    ),
    # Expired on purpose: the demo shows how the shop refuses an out-of-date coupon.
    CouponSeed(
        code="SUMMER24",
        kind="percent",
        percent_off_bp=2000,
        valid_from=date(2024, 6, 1),
        valid_until=date(2024, 8, 31),
        terms={"US": (0, 0), "GB": (0, 0), "DE": (0, 0), "SE": (0, 0)},
    ),
)
