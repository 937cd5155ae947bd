"""Forms of the admin area: sign-in, order filters, order actions, the Klarna switch, buttons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import (
    DateField,
    DecimalField,
    Field,
    Form,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from storefront.forms import UNSTORABLE_MESSAGE, ShopForm, storable, strip
from storefront.markets import MARKETS
from storefront.models import OrderStatus
from storefront.services.captures import (
    MAX_COMPANY_LENGTH,
    MAX_TRACKING_NUMBER_LENGTH,
    MAX_TRACKING_URI_LENGTH,
    SHIPPING_METHODS,
    ShippingInfo,
)
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_rules import MAX_REFERENCE_LENGTH
from storefront.services.refunds import MAX_DESCRIPTION_LENGTH

ANY = ""  # the filter choice that does not filter
# Far more units than any order line has; keeps a posted count a database integer.
MAX_UNITS = 10_000
# Far more than any order; keeps a posted amount's minor units a database integer.
MAX_AMOUNT = Decimal(10) ** 12


class AdminLoginForm(ShopForm):
    """Sign in with a username and password."""

    username = StringField(
        "Username",
        filters=[strip],
        validators=[DataRequired("Enter your username."), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class AdminActionForm(ShopForm):
    """A bare button (sign out): only the CSRF token."""


class KlarnaSwitchForm(ShopForm):
    """Turn Klarna on or off in one market."""

    market = HiddenField(validators=[AnyOf(list(MARKETS), "Choose one of the shop's markets.")])
    enabled = HiddenField(validators=[AnyOf(["on", "off"], "Choose on or off.")])


class OrderFilterForm(Form):
    """The orders list's filters, read from the query string (a GET form: no CSRF needed)."""

    status = SelectField(
        "Status",
        choices=[SelectChoice(ANY, "Any status")]
        + [SelectChoice(status.value, status.value.replace("_", " ")) for status in OrderStatus],
        default=ANY,
        validate_choice=True,
    )
    market = SelectField(
        "Market",
        choices=[SelectChoice(ANY, "Any market")]
        + [SelectChoice(code, market.name) for code, market in MARKETS.items()],
        default=ANY,
    )
    placed_from = DateField("Placed from", validators=[Optional()])
    placed_to = DateField("Placed to", validators=[Optional()])
    search = StringField(
        "Order number or email",
        filters=[strip],
        validators=[Length(max=99)],
        render_kw={"type": "search", "spellcheck": "false"},
    )

    def __init__(self, args: Any) -> None:
        super().__init__(formdata=args)

    def validate_search(self, field: StringField) -> None:
        """Refuse text the database cannot compare (see storefront.forms.storable)."""
        if not storable(field.data or ""):
            raise ValidationError(UNSTORABLE_MESSAGE)


class UnitCountsField(Field):
    """Whole numbers posted under one name, one per order line (an empty box counts 0)."""

    data: list[int] | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read each posted value as a whole number of units."""
        try:
            self.data = [int(value) if str(value).strip() else 0 for value in valuelist]
        except ValueError:
            self.data = None
            raise ValueError("Enter whole numbers of units.") from None


class LineUnitsForm(ShopForm):
    """An order action on some units of some lines: `line` and `units` posted in pairs."""

    line = UnitCountsField()
    units = UnitCountsField()

    def validate_units(self, field: UnitCountsField) -> None:
        """Each line once, with 0 to MAX_UNITS units."""
        lines, units = self.line.data or [], field.data or []
        if len(lines) != len(units) or len(set(lines)) != len(lines):
            raise ValidationError("Reload the page: the order's lines did not match.")
        if any(not 0 <= count <= MAX_UNITS for count in units):
            raise ValidationError(f"Enter a number of units from 0 to {MAX_UNITS}.")

    def line_units(self) -> dict[int, int]:
        """Units chosen per line index (lines left at 0 are not named)."""
        pairs = zip(self.line.data or [], self.units.data or [], strict=True)
        return {line: count for line, count in pairs if count > 0}


class ShippingFieldsForm(ShopForm):
    """How the goods of a capture ship: carrier, Klarna's shipping method, tracking."""

    shipping_company = StringField(
        "Shipping company", filters=[strip], validators=[Length(max=MAX_COMPANY_LENGTH)]
    )
    shipping_method = SelectField(
        "Shipping method",
        choices=[SelectChoice("", "No shipping info")]
        + [SelectChoice(method, method) for method in SHIPPING_METHODS],
        default="",
    )
    tracking_number = StringField(
        "Tracking number", filters=[strip], validators=[Length(max=MAX_TRACKING_NUMBER_LENGTH)]
    )
    tracking_uri = StringField(
        "Tracking link",
        filters=[strip],
        validators=[Length(max=MAX_TRACKING_URI_LENGTH)],
        render_kw={"type": "url", "placeholder": "https://"},
    )

    def validate_shipping_method(self, field: SelectField) -> None:
        """Shipping info is all or nothing: a company and a method, checked as Klarna would."""
        try:
            self.shipping()
        except ActionNotAllowed as refused:
            raise ValidationError(refused.user_message) from None

    def shipping(self) -> ShippingInfo | None:
        """The shipping info to send, or None when no field of it was filled in."""
        fields = (self.shipping_company, self.shipping_method, self.tracking_number)
        if not any(field.data for field in (*fields, self.tracking_uri)):
            return None
        return ShippingInfo(
            company=self.shipping_company.data or "",
            method=self.shipping_method.data or "",
            tracking_number=self.tracking_number.data or "",
            tracking_uri=self.tracking_uri.data or "",
        )


class CaptureForm(LineUnitsForm, ShippingFieldsForm):
    """Capture everything left, or chosen units (the button pressed says which)."""

    scope = StringField(validators=[AnyOf(["all", "lines"], "Choose what to capture.")])


class ShippingInfoForm(ShippingFieldsForm):
    """Tracking for an earlier capture, named by Klarna's capture id."""

    capture_id = HiddenField(validators=[DataRequired("Choose a capture."), Length(max=64)])

    def validate_shipping_method(self, field: SelectField) -> None:
        """Tracking needs at least a company and a method."""
        if self.shipping() is None:
            raise ValidationError("Fill in the shipping company and method.")
        super().validate_shipping_method(field)


class RefundForm(LineUnitsForm):
    """Refund everything captured, chosen units, or an amount, with a reason."""

    scope = StringField(validators=[AnyOf(["all", "lines", "amount"], "Choose what to refund.")])
    amount = DecimalField("Amount", validators=[Optional()], places=None)
    description = StringField(
        "Reason", filters=[strip], validators=[Length(max=MAX_DESCRIPTION_LENGTH)]
    )

    def validate_amount(self, field: DecimalField) -> None:
        """An amount refund needs an amount above zero."""
        if self.scope.data != "amount":
            return
        if field.data is None or not field.data.is_finite() or not 0 < field.data < MAX_AMOUNT:
            raise ValidationError("Enter an amount above zero to refund.")


class ReferencesForm(ShopForm):
    """The order's merchant references as Klarna shows them (empty clears one)."""

    reference1 = StringField(
        "Merchant reference 1", filters=[strip], validators=[Length(max=MAX_REFERENCE_LENGTH)]
    )
    reference2 = StringField(
        "Merchant reference 2", filters=[strip], validators=[Length(max=MAX_REFERENCE_LENGTH)]
    )
