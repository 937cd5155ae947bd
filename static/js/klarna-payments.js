/*
 * Klarna Payments in the browser: load the SDK, show the widget, authorize() on Buy.
 *
 * The part of the payment page to copy: it knows nothing of the shop's page and is given all it
 * needs. Klarna docs (SDK reference and the checkout steps):
 * https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
 * https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout
 *
 * 1. Load the SDK from the configured URL; Klarna calls window.klarnaAsyncCallback when ready.
 * 2. init() with the session's client token; load() the chosen category into the container.
 *    Keep Buy disabled until load() answers show_form: true.
 * 3. Buy calls authorize() at once, inside the click handler (a round trip first would get
 *    Klarna's window blocked), with the addresses the server built: the same it sends to
 *    create order. Each of Klarna's outcomes has its own handler.
 * 4. With auto_finalize: false, authorize() may answer finalize_required: finalize() then runs
 *    on the shopper's next click, and answers as authorize() does.
 * Each function takes an optional `onEvent` callback, told of every SDK call and Klarna's result
 * ({operation, options, result}): the page's developer panel listens there.
 */

/**
 * What the page does with each of Klarna's answers to authorize() or finalize().
 * @typedef {object} PurchaseHandlers
 * @property {(authorizationToken: string) => void} approved Send the token to the server, which
 *   creates the order with it.
 * @property {() => void} finalizeRequired Approved, but Klarna moves the money only at
 *   finalize(): call it on the shopper's next click.
 * @property {(fields: string[]) => void} invalidFields Klarna cannot accept these fields of the
 *   data, e.g. "billing_address.email": let the shopper correct them.
 * @property {() => void} declined Hard decline: do not offer Klarna again for this cart.
 * @property {() => void} closed The shopper closed Klarna's window before finishing; nothing was
 *   charged.
 */

let sdkReady = null;
let initializedToken = null;

/**
 * Add Klarna's script once.
 * @param {string} sdkUrl Klarna's SDK (https://x.klarnacdn.net/kp/lib/v1/api.js, or the emulator's).
 * @returns {Promise<void>} Resolves when the SDK calls window.klarnaAsyncCallback.
 */
export function loadSdk(sdkUrl) {
  sdkReady ??= new Promise((resolve) => {
    window.klarnaAsyncCallback = resolve;
    const script = document.createElement("script");
    script.src = sdkUrl;
    script.async = true;
    document.head.append(script);
  });
  return sdkReady;
}

/**
 * Load the SDK, init() it for a new client token, then load() a category's widget.
 * @param {object} widget
 * @param {string} widget.sdkUrl Klarna's SDK, as for loadSdk().
 * @param {string} widget.clientToken The Klarna session's client_token.
 * @param {string} widget.container CSS selector of the element Klarna puts its widget in.
 * @param {string} widget.category The payment_method_category to show.
 * @param {(event: object) => void} [widget.onEvent] Told of init() and load() with its answer.
 * @returns {Promise<{show_form: boolean}>} load()'s answer: offer Buy only on show_form: true.
 */
export async function loadWidget({ sdkUrl, clientToken, container, category, onEvent }) {
  await loadSdk(sdkUrl);
  if (initializedToken !== clientToken) {
    const options = { client_token: clientToken };
    Klarna.Payments.init(options);
    initializedToken = clientToken;
    onEvent?.({ operation: "init", options });
  }
  const options = { container, payment_method_category: category };
  return new Promise((resolve) => {
    Klarna.Payments.load(options, (result) => {
      onEvent?.({ operation: "load", options, result });
      resolve(result);
    });
  });
}

/**
 * authorize() the purchase. Call it synchronously inside the Buy click handler: after an await
 * or a fetch the browser may block Klarna's window.
 * @param {object} purchase
 * @param {string} purchase.category The payment_method_category whose widget was loaded.
 * @param {boolean} purchase.autoFinalize false: Klarna may answer finalize_required.
 * @param {object} purchase.data The addresses and order the server built: the same it sends to
 *   create the order.
 * @param {(event: object) => void} [purchase.onEvent] Told of authorize() and its result (the
 *   options only: `data` holds the shopper's personal data).
 * @param {PurchaseHandlers} handlers
 */
export function authorize({ category, autoFinalize, data, onEvent }, handlers) {
  const options = { payment_method_category: category, auto_finalize: autoFinalize };
  Klarna.Payments.authorize(options, data, (result) => {
    onEvent?.({ operation: "authorize", options, result });
    onPurchaseResult(result, handlers);
  });
}

/**
 * finalize() a purchase authorize() answered with finalize_required; call it inside the click
 * handler, as authorize().
 * @param {object} purchase
 * @param {string} purchase.category The category authorize() was called for.
 * @param {object} purchase.data The same data authorize() was given.
 * @param {(event: object) => void} [purchase.onEvent] Told of finalize() and its result.
 * @param {PurchaseHandlers} handlers
 */
export function finalize({ category, data, onEvent }, handlers) {
  const options = { payment_method_category: category };
  Klarna.Payments.finalize(options, data, (result) => {
    onEvent?.({ operation: "finalize", options, result });
    onPurchaseResult(result, handlers);
  });
}

/** The authorize() / finalize() callback: one handler per outcome (Klarna SDK reference). */
function onPurchaseResult(result, handlers) {
  if (result.approved && result.authorization_token) {
    handlers.approved(result.authorization_token);
  } else if (result.approved && result.finalize_required) {
    handlers.finalizeRequired();
  } else if (result.error && Array.isArray(result.error.invalid_fields)) {
    handlers.invalidFields(result.error.invalid_fields);
  } else if (result.show_form === false) {
    handlers.declined();
  } else {
    handlers.closed();
  }
}
