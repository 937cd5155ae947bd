/* The payment page's own elements: its status line, its messages, the chosen category, the address form. */

// Klarna's field names whose input on the page is not "<address>-<name>".
const FIELD_IDS = {
  "billing_address.email": "email",
  "billing_address.phone": "phone",
  "shipping_address.email": "email",
  "shipping_address.phone": "phone",
};

/** The page's element with this id, or null. */
export const byId = (id) => document.getElementById(id);

let texts = null;

/** What the page says for `key`, in the page's language (templates/payment/_texts.html). */
export function text(key) {
  texts = texts || JSON.parse(byId("payment-texts")?.textContent || "{}");
  return texts[key] ?? key;
}

/** Show a line under the widget (what to do next); an empty text hides it. */
export function setStatus(text) {
  const status = byId("payment-status");
  status.textContent = text || "";
  status.hidden = !text;
}

/** Show the server's messages ({category, text}) above the order, replacing the last ones. */
export function showMessages(messages) {
  byId("payment-messages").replaceChildren(
    ...messages.map(({ category, text }) => {
      const item = document.createElement("li");
      item.className = `flash flash-${category}`;
      item.textContent = text;
      return item;
    }),
  );
}

/** The payment method category whose radio is checked, or null. */
export function selectedCategory() {
  return document.querySelector("input[name=payment_method_category]:checked")?.value ?? null;
}

/** Klarna named fields it cannot accept: open the address form and point at each one. */
export function showInvalidFields(fields) {
  const panel = document.querySelector(".details-form")?.closest("details");
  if (panel) panel.open = true;
  const labels = [];
  let first = null;
  for (const field of fields) {
    const [address, name] = field.split(".");
    const prefix = address === "shipping_address" ? "shipping" : "billing";
    const input = byId(FIELD_IDS[field] || `${prefix}-${name}`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    labels.push(document.querySelector(`label[for="${input.id}"]`)?.textContent || name);
    first = first || input;
  }
  const named = labels.length ? labels.join(", ") : text("someDetails");
  setStatus(text("invalidFields").replace("{fields}", named));
  first?.focus();
}
