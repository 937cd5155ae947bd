"""Domain errors: requests the shop refuses, each with a message fit to show the shopper.

The messages are in the shopper's language: the shared ones below are lazy (translated when
used, in the request's language), the others translated where they are raised.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext

from storefront.i18n import country_name

# What the shopper is told when paying fails; shown by more than one service and page.
UNAVAILABLE_MESSAGE = lazy_gettext(
    "Klarna is not available right now. Please try again in a moment; nothing has been charged."
)
DECLINED_MESSAGE = lazy_gettext(
    "Klarna cannot accept this purchase. Nothing has been charged. Your cart is saved."
)
OUTCOME_UNKNOWN_MESSAGE = lazy_gettext(
    "We could not confirm your payment with Klarna yet. Please don't pay again: "
    "your order page will show the result."
)
CHANGED_MESSAGE = lazy_gettext(
    "Your order changed after you confirmed it with Klarna, so we have not charged you. "
    "Please check your order and confirm again."
)
EXPIRED_MESSAGE = lazy_gettext(
    "Your Klarna confirmation has expired. Please confirm your payment again."
)
BEING_CONFIRMED_MESSAGE = lazy_gettext(
    "Your order is being confirmed with Klarna, so your cart cannot be changed right now. "
    "Your order page shows the result in a moment."
)
COMPLETED_WITHOUT_ORDER_MESSAGE = lazy_gettext(
    "Klarna shows this payment as completed, but we have no order for it yet. "
    "Please don't pay again; contact us with this reference."
)
# Details are refused with their problems shown next to the fields, and this one line.
INVALID_DETAILS_MESSAGE = lazy_gettext("Please correct the highlighted details.")
# At most this much of an unknown cart id is repeated back in the error.
MASKED_ID_ECHO = 64


class ShopError(Exception):
    """A refused request; `user_message` says why, in the shopper's terms (and language)."""

    def __init__(self, user_message: str) -> None:
        # A lazy message is translated now, in the language of the request that raised it.
        super().__init__(str(user_message))
        self.user_message = str(user_message)


class UnknownProduct(ShopError):
    """No such product, or none sold in the cart's market."""


class UnavailablePlan(ShopError):
    """A purchase option (one-time, or a subscription plan) the product is not sold with."""


class QuantityOutOfRange(ShopError):
    """A quantity outside 1..99, or an add that would take a line past 99."""


class NotInCart(ShopError):
    """The product to change or remove is not in this cart."""


class UnknownMarket(ShopError):
    """The shop does not sell in that market."""


class CouponRefused(ShopError):
    """The coupon code is unknown, out of date, not for this market or below its minimum."""


class UnknownShippingMethod(ShopError):
    """The shipping method is not offered in the cart's market."""


class InvalidDetails(ShopError):
    """Contact or address details Klarna would refuse; `problems` maps fields to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(INVALID_DETAILS_MESSAGE)
        self.problems = problems


class CheckoutIncomplete(ShopError):
    """A checkout step was reached before the steps it depends on; `step` is the one to do."""

    def __init__(self, user_message: str, *, step: str) -> None:
        super().__init__(user_message)
        self.step = step


class CartChanged(ShopError):
    """Two requests changed the cart at once; the later one is refused and can be retried."""


class PaymentError(ShopError):
    """A payment step failed; the message ends with a reference the shop's support can look up.

    The reference is Klarna's correlation id when Klarna answered, so one id finds the call in
    the shop's log and at Klarna's merchant support.
    """

    def __init__(self, user_message: str, *, reference: str | None = None) -> None:
        text = (
            gettext(
                "%(message)s (Reference: %(reference)s)", message=user_message, reference=reference
            )
            if reference
            else user_message
        )
        super().__init__(text)
        self.reference = reference


class PaymentUnavailable(PaymentError):
    """Klarna could not be reached or could not take the request; trying again may work."""


class KlarnaSwitchedOff(PaymentError):
    """The merchant switched Klarna off for the cart's market: no Klarna call is made."""

    def __init__(self, country: str) -> None:
        super().__init__(
            gettext(
                "Paying with Klarna is not available for %(country)s at the moment. "
                "Nothing has been charged; your cart is saved.",
                country=country_name(country),
            )
        )


class PaymentDeclined(PaymentError):
    """Klarna declined this purchase; Klarna is not offered for this cart any more."""


class AuthorizeAgain(PaymentError):
    """The shopper's Klarna authorization cannot be used (cart changed, expired); ask again."""


class PaymentOutcomeUnknown(PaymentError):
    """Klarna may have placed the order but the shop could not find out yet; never pay twice."""


class CallbackReplayed(ShopError):
    """An authorization callback for a session whose order Klarna was already told about."""


class OrderInProgress(ShopError):
    """An order for this cart is being placed right now; `number` is the order to look at."""

    def __init__(self, number: str) -> None:
        super().__init__(gettext("Your order is being placed. Please wait a moment."))
        self.number = number


class OrderBeingConfirmed(ShopError):
    """A cart edit while the cart's order is being placed; `number` is the order to look at.

    Klarna was sent the cart as it was when the order was claimed: a change now would not
    reach Klarna, so none is made until Klarna's answer is recorded.
    """

    def __init__(self, number: str) -> None:
        super().__init__(BEING_CONFIRMED_MESSAGE)
        self.number = number


class CartNotFound(ShopError):
    """No cart has this headless cart id (never created, or its order was placed)."""

    def __init__(self, masked_id: str) -> None:
        # Magento's wording, which headless clients already handle.
        super().__init__(f'Could not find a cart with ID "{masked_id[:MASKED_ID_ECHO]}"')


class WrongStore(CartNotFound):
    """A headless cart named under another store (market) than its own: Magento's refusal."""

    def __init__(self, masked_id: str) -> None:
        ShopError.__init__(
            self, f'Wrong store code specified for cart "{masked_id[:MASKED_ID_ECHO]}"'
        )


class PaymentMethodUnavailable(ShopError):
    """A headless client chose a payment method the cart is not offered right now."""


class PaymentMethodMissing(ShopError):
    """A headless client asked to place the order before choosing how to pay."""
