/*
 * The headless demo (static/headless/index.html): a guest checkout through the shop's GraphQL
 * door only, as a PWA on Magento's schema does it, and Klarna's widget from its JS SDK.
 *
 * 1. createGuestCart (the Store header picks the market), addProductsToCart.
 * 2. setGuestEmailOnCart, setShippingAddressesOnCart, setBillingAddressOnCart, then
 *    setShippingMethodsOnCart with a method the cart offers.
 * 3. createKlarnaPaymentsSession, then the cart's available_payment_methods (klarna_<category>)
 *    and the data authorize() needs; the widget is loaded with the session's client token.
 *    After a cart edit the methods are asked again (the server brings Klarna's session in
 *    step) and the widget reloaded, as Magento's Klarna guide says.
 * 4. Buy: authorize() at once inside the click; setPaymentMethodOnCart with the token, then
 *    placeOrder answers the order number.
 */
import { authorize, loadWidget } from "./klarna-payments.js";

const CART_FIELDS = `id
  items { uid quantity product { sku name } prices { row_total { value currency value_minor } } }
  prices { grand_total { value currency value_minor } }
  shipping_addresses {
    available_shipping_methods { carrier_code method_code carrier_title method_title amount { value currency } }
    selected_shipping_method { method_code }
  }`;
const CONTAINER = "#klarna-payments-container";

const state = {
  store: "gb",
  cartId: null,
  clientToken: null,
  category: null,
  authorizeData: null,
  sdkUrl: null,
  queue: Promise.resolve(),
};

const byId = (id) => document.getElementById(id);

/** Show one line of status (errors included) to the shopper. */
function setStatus(text) {
  const status = byId("headless-status");
  status.textContent = text;
  status.hidden = !text;
}

/** Add an answered request to the page's log: its first line, so a reader sees each call. */
function logRequest(query) {
  const entry = document.createElement("li");
  entry.textContent = query.trim().split("\n")[0];
  byId("graphql-log").append(entry);
}

/** POST one GraphQL operation; its data, or an Error carrying the GraphQL error messages. */
async function graphql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Store: state.store },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  logRequest(query);
  if (answer.errors?.length) {
    throw new Error(answer.errors.map((error) => error.message).join(" "));
  }
  return answer.data;
}

/** Format a Money for the shopper in the cart's currency. */
function formatMoney(money) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: money.currency }).format(
    money.value,
  );
}

/** Draw the cart's lines, total and shipping methods. */
function renderCart(cart) {
  const lines = byId("cart-items");
  lines.replaceChildren(
    ...cart.items.map((item) => {
      const line = document.createElement("li");
      line.className = "cart-line-main";
      line.textContent = `${item.quantity} × ${item.product.name}: ${formatMoney(item.prices.row_total)}`;
      return line;
    }),
  );
  const total = byId("order-total");
  total.textContent = formatMoney(cart.prices.grand_total);
  total.dataset.amountMinor = String(cart.prices.grand_total.value_minor);
  const [address] = cart.shipping_addresses;
  if (address) renderShippingMethods(address);
}

/** Offer the cart's shipping methods as radio buttons (the chosen one checked). */
function renderShippingMethods(address) {
  const chosen = address.selected_shipping_method?.method_code;
  const options = address.available_shipping_methods.map((method, index) => {
    const row = document.createElement("div");
    row.className = "klarna-category";
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", name: "shipping", id: `ship-${method.method_code}` });
    input.value = method.method_code;
    input.checked = chosen ? chosen === method.method_code : index === 0;
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = `${method.carrier_title} (${method.method_title}): ${formatMoney(method.amount)}`;
    row.append(input, label);
    return row;
  });
  const legend = document.createElement("legend");
  legend.textContent = "Shipping method";
  byId("shipping-methods").replaceChildren(legend, ...options);
}

/** The cart id, creating the guest cart in the chosen store on first use. */
async function cartId() {
  if (!state.cartId) {
    state.store = byId("store").value;
    const data = await graphql("mutation { createGuestCart { cart { id } } }");
    state.cartId = data.createGuestCart.cart.id;
    byId("store").disabled = true;
  }
  return state.cartId;
}

/**
 * Run a cart edit, draw the cart it answers, and bring Klarna's widget in step. Edits run one
 * at a time, in the order the shopper made them: a click while one runs waits its turn.
 */
function edit(run) {
  state.queue = state.queue.then(async () => {
    setStatus("");
    try {
      const cart = await run(await cartId());
      if (cart) renderCart(cart);
      if (state.clientToken) await refreshKlarna();
    } catch (error) {
      setStatus(error.message);
    }
  });
  return state.queue;
}

function addProduct(c) {
  const items = [{ sku: byId("sku").value, quantity: Number(byId("quantity").value) }];
  return graphql(
    `mutation($c: String!, $i: [CartItemInput!]!) { addProductsToCart(cartId: $c, cartItems: $i) {
      cart { ${CART_FIELDS} } user_errors { message } } }`,
    { c, i: items },
  ).then(({ addProductsToCart: added }) => {
    if (added.user_errors.length) throw new Error(added.user_errors[0].message);
    return added.cart;
  });
}

async function saveDetails(c) {
  const address = {
    firstname: byId("firstname").value,
    lastname: byId("lastname").value,
    street: [byId("street").value],
    city: byId("city").value,
    region: byId("region").value || null,
    postcode: byId("postcode").value,
    country_code: state.store.toUpperCase(),
    telephone: byId("telephone").value,
  };
  await graphql(
    "mutation($c: String!, $e: String!) { setGuestEmailOnCart(input: {cart_id: $c, email: $e}) { cart { id } } }",
    { c, e: byId("email").value },
  );
  await graphql(
    `mutation($c: String!, $a: CartAddressInput!) { setShippingAddressesOnCart(input: {
      cart_id: $c, shipping_addresses: [{address: $a}]}) { cart { id } } }`,
    { c, a: address },
  );
  const data = await graphql(
    `mutation($c: String!) { setBillingAddressOnCart(input: {cart_id: $c,
      billing_address: {same_as_shipping: true}}) { cart { ${CART_FIELDS} } } }`,
    { c },
  );
  return data.setBillingAddressOnCart.cart;
}

async function chooseShipping(c) {
  const chosen = document.querySelector("input[name=shipping]:checked");
  if (!chosen) throw new Error("Save your address first.");
  const data = await graphql(
    `mutation($c: String!, $m: String!) { setShippingMethodsOnCart(input: {cart_id: $c,
      shipping_methods: [{carrier_code: $m, method_code: $m}]}) { cart { ${CART_FIELDS} } } }`,
    { c, m: chosen.value },
  );
  return data.setShippingMethodsOnCart.cart;
}

/** Start Klarna: the session, then the methods and the widget. */
async function startKlarna(c) {
  const config = await graphql("{ storeConfig { klarna_sdk_url } }");
  state.sdkUrl = config.storeConfig.klarna_sdk_url;
  const data = await graphql(
    `mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c}) {
      client_token payment_method_categories { identifier name } } }`,
    { c },
  );
  state.clientToken = data.createKlarnaPaymentsSession.client_token;
  return null;
}

/** Ask for the cart's payment methods (the server refreshes Klarna's session) and reload. */
async function refreshKlarna() {
  const data = await graphql(
    `query($c: String!) { cart(cart_id: $c) {
      available_payment_methods { code title } klarna_authorize_data } }`,
    { c: state.cartId },
  );
  const { available_payment_methods: methods, klarna_authorize_data: authorizeData } = data.cart;
  state.authorizeData = JSON.parse(authorizeData);
  const klarna = methods.filter((method) => method.code.startsWith("klarna_"));
  if (!klarna.length) throw new Error("Klarna offers no way to pay for this order.");
  renderPaymentMethods(klarna);
  await showWidget();
}

/** Offer each Klarna category (payment method klarna_<identifier>) as a radio button. */
function renderPaymentMethods(methods) {
  const fieldset = byId("payment-methods");
  const known = methods.some((method) => method.code === `klarna_${state.category}`);
  state.category = known ? state.category : methods[0].code.slice("klarna_".length);
  const legend = document.createElement("legend");
  legend.textContent = "Choose how to pay";
  const rows = methods.map((method) => {
    const row = document.createElement("div");
    row.className = "klarna-category";
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", name: "payment_method", id: method.code });
    input.value = method.code.slice("klarna_".length);
    input.checked = input.value === state.category;
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = method.title;
    row.append(input, label);
    return row;
  });
  fieldset.replaceChildren(legend, ...rows);
  fieldset.hidden = false;
}

/** load() the chosen category's widget; Buy is offered once Klarna shows its form. */
async function showWidget() {
  const buy = byId("buy-button");
  buy.disabled = true;
  const result = await loadWidget({
    sdkUrl: state.sdkUrl,
    clientToken: state.clientToken,
    container: CONTAINER,
    category: state.category,
  });
  buy.disabled = !result.show_form;
}

/** Buy: authorize() inside the click, then set the payment method and place the order. */
function buy() {
  const button = byId("buy-button");
  button.disabled = true;
  setStatus("");
  authorize(
    { category: state.category, autoFinalize: true, data: state.authorizeData },
    {
      approved: (token) => placeOrder(token).catch((error) => setStatus(error.message)),
      finalizeRequired: () => setStatus("Klarna asks for a second confirmation."),
      invalidFields: (fields) => setStatus(`Klarna cannot accept: ${fields.join(", ")}.`),
      declined: () => setStatus("Klarna cannot accept this purchase. Nothing has been charged."),
      closed: () => {
        button.disabled = false;
      },
    },
  );
}

async function placeOrder(token) {
  await graphql(
    `mutation($c: String!, $code: String!, $t: String!) { setPaymentMethodOnCart(input: {
      cart_id: $c, payment_method: {code: $code, klarna: {authorization_token: $t}}}) {
      cart { selected_payment_method { code } } } }`,
    { c: state.cartId, code: `klarna_${state.category}`, t: token },
  );
  const data = await graphql(
    "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }",
    { c: state.cartId },
  );
  const placed = byId("order-placed");
  placed.textContent = `Thank you: order ${data.placeOrder.order.order_number} is placed.`;
  placed.hidden = false;
}

function onSubmit(id, run) {
  byId(id).addEventListener("submit", (event) => {
    event.preventDefault();
    edit(run);
  });
}

onSubmit("cart-form", addProduct);
onSubmit("details-form", saveDetails);
onSubmit("shipping-form", chooseShipping);
byId("klarna-start").addEventListener("click", () => edit(startKlarna));
byId("payment-methods").addEventListener("change", (event) => {
  state.category = event.target.value;
  showWidget().catch((error) => setStatus(error.message));
});
byId("buy-button").addEventListener("click", buy);
