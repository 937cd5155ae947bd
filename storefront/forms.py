"""Flask-WTF forms, one per POST, all CSRF-protected; address rules are storefront.addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from flask import request
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from wtforms import (
    BooleanField,
    Field,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)

# SelectChoice is new in WTForms 3.3; the types-WTForms stubs stop at 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from storefront import addresses
from storefront.addresses import PostalAddress
from storefront.form_rendering import FastInputs
from storefront.i18n import LANGUAGE_NAMES, LANGUAGES, country_name
from storefront.klarna import address_rules
from storefront.markets import MARKETS, Market
from storefront.sales_tax import US_STATES
from storefront.services.carts import MAX_QUANTITY, MIN_QUANTITY
from storefront.services.errors import INVALID_DETAILS_MESSAGE
from storefront.shipping import ShippingMethod

# Labels and messages are lazy: the forms are defined at import, and shown in each request's
# language.
QUANTITY_MESSAGE = lazy_gettext(
    "Enter a whole number from %(min)s to %(max)s.", min=MIN_QUANTITY, max=MAX_QUANTITY
)
UNSTORABLE_MESSAGE = lazy_gettext("Remove the control characters from this field.")
# ShopForm's default `formdata`: the request's form body (a view may pass its own, or None).
FROM_REQUEST: Any = object()


def storable(text: str) -> bool:
    """False for text with a NUL in it: PostgreSQL can neither store nor compare such text.

    No value the shop takes (a name, a code, an id) has one; psycopg refuses to send one.
    """
    return "\x00" not in text


def strip(value: Any) -> Any:
    """Trim surrounding whitespace from submitted text and collapse inner runs of spaces."""
    return addresses.normalize_text(value) if isinstance(value, str) else value


def add_error(field: Field, message: str) -> None:
    """Show `message` under the field, after its validators' own messages."""
    # After validate() a field's errors are a list; the WTForms stubs only promise a Sequence.
    cast(list[str], field.errors).append(message)


class QuantityField(IntegerField):
    """A quantity input whose "not a number" error reads like its range error."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the number, replacing WTForms' generic message with the shop's.

        A number far out of range is refused here: NumberRange compares it as a float, and
        an int past a float's range (a few hundred digits) raises OverflowError, a 500.
        """
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(QUANTITY_MESSAGE)) from None
        if self.data is not None and abs(self.data) > MAX_QUANTITY:
            self.data = None
            raise ValueError(str(QUANTITY_MESSAGE))


def quantity_field() -> QuantityField:
    """A required quantity from 1 to 99."""
    return QuantityField(
        lazy_gettext("Quantity"),
        default=1,
        validators=[
            InputRequired(QUANTITY_MESSAGE),
            NumberRange(MIN_QUANTITY, MAX_QUANTITY, QUANTITY_MESSAGE),
        ],
    )


class ShopForm(FlaskForm):
    """Base of the shop's forms: read from the form body's text fields only, and storable.

    Flask-WTF would also read uploaded files, and a JSON body when there is no form body, so
    a field could get a file, a number, a list or an object, or a JSON document that is not an
    object would raise, all answered with a 500. The shop's pages post forms (checkout.js
    sends FormData), so anything else is an empty form and fails validation as one.
    """

    Meta = FastInputs

    def __init__(self, formdata: Any = FROM_REQUEST, **kwargs: Any) -> None:
        if formdata is FROM_REQUEST:
            formdata = request.form if request.method in SUBMIT_METHODS else None
        super().__init__(formdata=formdata, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        """Run the field validators, and refuse any submitted value that is not storable."""
        valid = super().validate(extra_validators)
        for field in text_fields(self):
            if not all(storable(value) for value in field.raw_data or ()):
                add_error(field, str(UNSTORABLE_MESSAGE))
                valid = False
            # A value refused by parsing and again by a validator says the same thing once.
            field.errors = list(dict.fromkeys(field.errors))
        return valid

    def error_messages(self) -> list[str]:
        """What a refused form says when no page shows its fields: each field's errors."""
        return [str(error) for field_errors in self.errors.values() for error in field_errors]


def text_fields(form: Form) -> Iterator[Field]:
    """The fields of a form, with those of its sub-forms (addresses) in place of the sub-form."""
    for field in form:
        if isinstance(field, FormField):
            yield from text_fields(field.form)
        else:
            yield field


class ReturnToForm(ShopForm):
    """A form that may say which page to go back to afterwards (see views.responses)."""

    next = HiddenField()


class AddToCartForm(ReturnToForm):
    """Add a product to the cart; the price is never part of the form."""

    sku = HiddenField(validators=[DataRequired(lazy_gettext("Choose a product."))])
    quantity = quantity_field()
    # "" buys once; a storefront.plans code subscribes (the cart service checks it is offered).
    plan = StringField(default="", validators=[Length(max=16)])


class ChangeQuantityForm(ReturnToForm):
    """Set the quantity of a cart line."""

    quantity = quantity_field()


class ActionForm(ReturnToForm):
    """A bare button (remove an item, remove the coupon): only the CSRF token."""


class ApplyCouponForm(ReturnToForm):
    """Apply a coupon code."""

    code = StringField(
        lazy_gettext("Coupon code"),
        filters=[strip],
        validators=[DataRequired(lazy_gettext("Enter a coupon code.")), Length(max=32)],
    )


class ChangeMarketForm(ShopForm):
    """Choose the country (market) to shop in; each is named in the request's language."""

    market = SelectField(lazy_gettext("Country"), choices=lambda: market_choices())


def market_choices() -> list[SelectChoice]:
    """Each market as the switcher lists it, e.g. 'Germany (EUR)' in English."""
    return [
        SelectChoice(code, f"{country_name(market.country)} ({market.currency})")
        for code, market in MARKETS.items()
    ]


class ChangeLanguageForm(ShopForm):
    """Choose the language of the shop's pages; each language is named in itself."""

    language = SelectField(
        lazy_gettext("Language"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )


class AddressForm(Form):
    """One postal address; checked against Klarna's rules by DetailsForm."""

    Meta = FastInputs

    given_name = StringField(
        lazy_gettext("First name"), filters=[strip], render_kw={"autocomplete": "given-name"}
    )
    family_name = StringField(
        lazy_gettext("Last name"), filters=[strip], render_kw={"autocomplete": "family-name"}
    )
    street_address = StringField(
        lazy_gettext("Street address"), filters=[strip], render_kw={"autocomplete": "address-line1"}
    )
    street_address2 = StringField(
        lazy_gettext("Apartment, suite (optional)"),
        filters=[strip],
        render_kw={"autocomplete": "address-line2"},
    )
    postal_code = StringField(
        lazy_gettext("Postal code"), filters=[strip], render_kw={"autocomplete": "postal-code"}
    )
    city = StringField(
        lazy_gettext("City"), filters=[strip], render_kw={"autocomplete": "address-level2"}
    )
    region = SelectField(
        lazy_gettext("State"),
        choices=[
            SelectChoice("", lazy_gettext("Choose a state")),
            *(SelectChoice(code, name) for code, name in US_STATES.items()),
        ],
        validate_choice=False,
        render_kw={"autocomplete": "address-level1"},
    )

    def to_address(self, country: str) -> PostalAddress:
        """The submitted address, normalized for the country."""
        return PostalAddress(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            street_address=self.street_address.data or "",
            street_address2=self.street_address2.data or "",
            postal_code=addresses.normalize_postal_code(self.postal_code.data or "", country),
            city=self.city.data or "",
            region=(self.region.data or "") if country == "US" else "",
            country=country,
        )

    def check(self, country: str) -> bool:
        """Put Klarna's address rules' messages next to the fields; True if there are none."""
        problems = addresses.address_problems(self.to_address(country))
        for name, problem in problems.items():
            add_error(self[name], problem)
        return not problems


class DetailsForm(ReturnToForm):
    """Contact details, billing address, and a shipping address unless it is the same."""

    email = StringField(lazy_gettext("Email"), filters=[strip], render_kw={"autocomplete": "email"})
    phone = StringField(lazy_gettext("Phone"), filters=[strip], render_kw={"autocomplete": "tel"})
    billing = FormField(AddressForm)
    ship_to_billing = BooleanField(lazy_gettext("Ship to my billing address"), default=True)
    shipping = FormField(AddressForm)

    def __init__(self, market: Market, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.market = market

    def validate(self, extra_validators: Any = None) -> bool:
        """Run the field validators, then the same checks Klarna's authorize() makes."""
        valid = super().validate(extra_validators)
        country = self.market.country
        for field, problem in (
            (self.email, address_rules.email_problem(self.email.data or "", gettext)),
            (self.phone, address_rules.phone_problem(self.phone.data or "", gettext)),
        ):
            if problem:
                add_error(field, problem)
                valid = False
        valid = self.billing.form.check(country) and valid
        if not self.ship_to_billing.data:
            valid = self.shipping.form.check(country) and valid
        return valid

    def error_messages(self) -> list[str]:
        """One line: the page shows each problem next to its field (nested, not flat)."""
        return [str(INVALID_DETAILS_MESSAGE)]

    def billing_address(self) -> PostalAddress:
        """The billing address as submitted, normalized."""
        return self.billing.form.to_address(self.market.country)

    def shipping_address(self) -> PostalAddress | None:
        """The separate shipping address, or None to ship to the billing address."""
        if self.ship_to_billing.data:
            return None
        return self.shipping.form.to_address(self.market.country)


class ShippingForm(ReturnToForm):
    """Choose one of the market's shipping methods."""

    method = RadioField(
        lazy_gettext("Shipping method"),
        validators=[InputRequired(lazy_gettext("Choose a shipping method."))],
    )

    def __init__(self, methods: list[tuple[ShippingMethod, int]], market: Market, **kwargs: Any):
        super().__init__(**kwargs)
        self.method.choices = [
            SelectChoice(
                method.code,
                gettext(
                    "%(method)s: %(fee)s (%(delivery)s)",
                    method=gettext(method.name),
                    fee=market.format_amount(fee) if fee else gettext("free"),
                    delivery=gettext(method.delivery),
                ),
            )
            for method, fee in methods
        ]


class PlaceOrderForm(ShopForm):
    """What checkout.js posts after Klarna's authorize(): the token and what it was for."""

    authorization_token = HiddenField(validators=[DataRequired(), Length(max=255)])
    klarna_session_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    purchase_fingerprint = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    # The payment_method_category authorize() ran for (optional: the order stands without it).
    authorized_category = HiddenField(validators=[Length(max=32)])


class OrderLookupForm(ShopForm):
    """Find an order by its number and the email address it was placed with."""

    number = StringField(
        lazy_gettext("Order number"),
        filters=[strip],
        # Typed with or without dashes and spaces (services.order_lookup.normal_order_number).
        validators=[DataRequired(lazy_gettext("Enter your order number.")), Length(max=32)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    email = StringField(
        lazy_gettext("Email"),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Enter the email address of the order.")),
            Length(max=99),
        ],
        render_kw={"autocomplete": "email"},
    )
