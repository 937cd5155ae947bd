"""Forms of the admin area: sign-in, the orders list's filters, the Klarna switch, bare buttons."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, Form, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from storefront.forms import UNSTORABLE_MESSAGE, ShopForm, storable, strip
from storefront.markets import MARKETS
from storefront.models import OrderStatus

ANY = ""  # the filter choice that does not filter


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
