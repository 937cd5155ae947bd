/**
 * The shipping step's totals follow the method the shopper picks, before Continue saves it.
 *
 * The page renders the totals for each method in a <template data-shipping-totals="code">
 * (templates/checkout/shipping.html); picking a radio shows that method's copy. Without
 * JavaScript the checked method's totals are shown and Continue saves the choice.
 */

const shown = document.getElementById("shipping-totals");
const form = document.querySelector(".shipping-form");

/** Show the totals the page rendered for shipping method `code`, if it rendered any. */
function showTotals(code) {
  const template = document.querySelector(`template[data-shipping-totals="${CSS.escape(code)}"]`);
  if (shown && template) shown.replaceChildren(template.content.cloneNode(true));
}

if (shown && form) {
  form.addEventListener("change", (event) => {
    if (event.target.name === "method") showTotals(event.target.value);
  });
}
