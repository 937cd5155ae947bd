"""The shop's fast input rendering writes exactly what WTForms writes."""

from __future__ import annotations

import itertools

from markupsafe import Markup
from wtforms import Form, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets.core import html_params as wtforms_html_params

from storefront.form_rendering import FastInputs, html_params

VALUES = [True, False, "", "a\"b<c>&'", Markup('x"y&amp;'), 5, 0, None, Markup("<b>")]
KEYS = ["class_", "for_", "data_x_y", "aria_describedby", "id", "value", "x<y"]


def test_html_params_writes_what_wtforms_writes() -> None:
    for first, second in itertools.product(VALUES, repeat=2):
        for keys in itertools.permutations(KEYS, 3):
            arguments = dict(zip(keys, (first, second, first), strict=True))
            written = html_params(**arguments)
            assert written == wtforms_html_params(**arguments), arguments
            assert isinstance(written, Markup)


class Plain(Form):
    """A form rendered by WTForms alone."""

    name = StringField("Name", render_kw={"autocomplete": "name"})
    quantity = IntegerField("Quantity", validators=[InputRequired(), NumberRange(1, 99)])


class Fast(Plain):
    """The same form, its inputs rendered through FastInputs."""

    Meta = FastInputs


def test_a_form_renders_the_same_inputs_through_fast_inputs() -> None:
    data = {"name": 'Ann "A" <b>', "quantity": 3}
    plain, fast = Plain(data=data), Fast(data=data)
    for field in ("name", "quantity"):
        extra = {"class_": "wide", "aria_invalid": False, "data_note": "x&y"}
        assert str(fast[field](**extra)) == str(plain[field](**extra))
    assert 'value="Ann &#34;A&#34; &lt;b&gt;"' in fast["name"]()
    assert fast["name"].widget.html_params is html_params  # rendered by the twin
    assert plain["name"].widget.html_params is wtforms_html_params  # WTForms' own untouched
