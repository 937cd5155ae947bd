/*
 * The payment page's script: Klarna's widget, cart edits that reload it, authorize() on Buy.
 *
 * Plain JavaScript, no build step. Configured by data- attributes and a JSON script tag the
 * server renders (templates/payment/show.html), so the page needs no inline script and a
 * strict Content-Security-Policy holds. Klarna docs (SDK reference and the checkout steps):
 * https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
 * https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout
 *
 * 1. Load the SDK from the configured URL; Klarna calls window.klarnaAsyncCallback when ready.
 * 2. init() with the session's client token; load() the chosen category into the container.
 *    Buy stays disabled until load() answers show_form: true.
 * 3. Cart edits on the page go to the server with fetch, one at a time, the newest edit of a
 *    form replacing one not sent yet. The server updates the Klarna session; its answer brings
 *    the re-rendered page parts and the widget's new state, and the widget is loaded again.
 *    The page's other posts (recheck the session, report a decline) wait in the same queue,
 *    so no answer is applied over a newer one.
 * 4. Buy calls authorize() at once, inside the click handler (a round trip first would get
 *    Klarna's window blocked), with the addresses the server built: the same it sends to
 *    create order. Each of Klarna's outcomes has its own answer below.
 */
(() => {
  "use strict";

  const root = document.getElementById("klarna-payment");
  if (!root) return;

  // Wait this long after the last keystroke in a quantity field before sending it.
  const QUANTITY_DEBOUNCE_MS = 400;
  const CONTAINER = "#klarna-payments-container";
  const FIELD_IDS = {
    "billing_address.email": "email",
    "billing_address.phone": "phone",
    "shipping_address.email": "email",
    "shipping_address.phone": "phone",
  };

  // false: authorize() may answer finalize_required, and finalize() runs on the next click
  // (KLARNA_AUTO_FINALIZE in the shop's configuration).
  const AUTO_FINALIZE = root.dataset.autoFinalize !== "false";
  const $ = (id) => document.getElementById(id);
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const buyButton = $("buy-button");
  const buyLabel = buyButton.firstChild;
  const placeForm = $("place-order-form");
  const container = document.querySelector(CONTAINER);
  const stateTag = $("klarna-widget-state");

  // What the server says about the widget: client token, session, categories, authorize data.
  let widget = stateTag ? JSON.parse(stateTag.textContent) : null;
  let initializedToken = null;
  let recheckedToken = null; // the client token whose session the server was asked to check
  let formShown = false; // load() answered show_form: true for the chosen category
  let purchaseRunning = false; // authorize() or finalize() is open, or the order is being placed
  let finalizeCategory = null; // authorize() answered finalize_required for this category
  // Posts to the shop, one at a time, in order; `typing`: quantity field id -> debounce timer.
  const edits = { queue: [], sending: null, sequence: 0, applied: 0, typing: new Map() };

  const sdkReady = new Promise((resolve) => {
    window.klarnaAsyncCallback = resolve;
  });
  let sdkRequested = false;

  const setStatus = (text) => {
    const status = $("payment-status");
    status.textContent = text || "";
    status.hidden = !text;
  };

  const showMessages = (messages) => {
    const list = $("payment-messages");
    list.replaceChildren(
      ...messages.map(({ category, text }) => {
        const item = document.createElement("li");
        item.className = `flash flash-${category}`;
        item.textContent = text;
        return item;
      }),
    );
  };

  const selectedCategory = () =>
    document.querySelector("input[name=payment_method_category]:checked")?.value ?? null;

  const klarnaUsable = () => Boolean(widget && !widget.declined && widget.client_token);

  const updateBuyButton = () => {
    const editing = edits.sending !== null || edits.queue.length > 0 || edits.typing.size > 0;
    buyButton.disabled = purchaseRunning || editing || !formShown || !klarnaUsable();
    buyLabel.textContent = finalizeCategory ? "Confirm payment · " : "Buy now · ";
    container.hidden = !klarnaUsable();
    placeForm.hidden = !klarnaUsable();
  };

  /** Add Klarna's script once; it calls window.klarnaAsyncCallback when it is ready. */
  const loadSdk = () => {
    if (sdkRequested) return;
    sdkRequested = true;
    const script = document.createElement("script");
    script.src = root.dataset.sdkUrl;
    script.async = true;
    document.head.append(script);
  };

  /** init() for a new client token, then load() the chosen category into the container. */
  const loadWidget = async () => {
    formShown = false;
    finalizeCategory = null;
    updateBuyButton();
    const category = selectedCategory();
    if (!klarnaUsable() || !category) return;
    loadSdk();
    await sdkReady;
    const loadingFor = widget;
    try {
      if (initializedToken !== widget.client_token) {
        Klarna.Payments.init({ client_token: widget.client_token });
        initializedToken = widget.client_token;
      }
      Klarna.Payments.load({ container: CONTAINER, payment_method_category: category }, (result) => {
        if (loadingFor !== widget || category !== selectedCategory()) return; // superseded
        formShown = result.show_form === true;
        if (!formShown && recheckedToken !== widget.client_token) {
          // Maybe Klarna dropped the session (it expires 48 h after its last update): the
          // server asks Klarna once and answers with a new session if so.
          recheckedToken = widget.client_token;
          queueEdit(root.dataset.recheckUrl);
          return;
        }
        setStatus(
          formShown ? "" : "Klarna cannot offer this way to pay for this order. Please choose another.",
        );
        updateBuyButton();
      });
    } catch (error) {
      setStatus("Klarna could not be loaded. Please reload the page.");
      console.error(error);
    }
  };

  /** Put the server's re-rendered page parts in place, keeping focus and the chosen category. */
  const replaceFragments = (fragments) => {
    const category = selectedCategory();
    const focusedId = document.activeElement?.id;
    // A quantity still being typed (its edit not sent yet) is newer than this answer: keep it.
    const typed = [...edits.typing.keys()].map((id) => [id, $(id)?.value]);
    for (const [name, html] of Object.entries(fragments)) {
      const target = document.querySelector(`[data-fragment="${name}"]`);
      if (target) target.innerHTML = html;
    }
    for (const [id, value] of typed) if ($(id) && value !== undefined) $(id).value = value;
    const radio = category && $(`category-${category}`);
    if (radio) radio.checked = true;
    if (focusedId && $(focusedId)) $(focusedId).focus();
    const total = $("order-total");
    if (total) $("buy-amount").textContent = total.textContent;
  };

  const applyAnswer = (answer) => {
    showMessages(answer.messages || []);
    if (answer.redirect) {
      window.location.assign(answer.redirect);
      return;
    }
    if (edits.queue.length > 0) return; // a newer edit is on its way; its answer wins
    if (answer.fragments) replaceFragments(answer.fragments);
    if ("payment" in answer) {
      widget = answer.payment;
      loadWidget();
    }
  };

  /** Send queued edits one at a time, so the server applies them in the shopper's order. */
  const sendEdits = async () => {
    if (edits.sending || edits.queue.length === 0) return;
    const edit = edits.queue.shift();
    edits.sending = edit;
    updateBuyButton();
    let answer;
    try {
      const response = await fetch(edit.action, {
        method: "POST",
        body: edit.body,
        headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
        credentials: "same-origin",
      });
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      if (!isJson) throw new Error(`HTTP ${response.status}`);
      answer = await response.json();
    } catch (error) {
      console.error(error);
      answer = {
        messages: [
          {
            category: "error",
            text: "Your change could not be saved. Please reload the page and try again.",
          },
        ],
      };
    }
    edits.sending = null;
    // Edits go one at a time, so answers come in order; the check keeps it so regardless.
    if (edit.sequence > edits.applied) {
      edits.applied = edit.sequence;
      applyAnswer(answer);
    }
    updateBuyButton();
    sendEdits();
  };

  /** Queue a POST to one of the page's endpoints (a form's data, or none); the newest wins. */
  const queueEdit = (action, body = null) => {
    const edit = { action, body, sequence: ++edits.sequence };
    const waiting = edits.queue.findIndex((queued) => queued.action === edit.action);
    if (waiting >= 0) edits.queue[waiting] = edit; // the newest edit of a form wins
    else edits.queue.push(edit);
    setStatus("");
    sendEdits();
  };

  const queueForm = (form) => queueEdit(form.action, new FormData(form));

  /** Klarna named fields it cannot accept: open the address form and point at each one. */
  const showInvalidFields = (fields) => {
    const panel = document.querySelector(".details-form")?.closest("details");
    if (panel) panel.open = true;
    const labels = [];
    let first = null;
    for (const field of fields) {
      const [address, name] = field.split(".");
      const prefix = address === "shipping_address" ? "shipping" : "billing";
      const input = $(FIELD_IDS[field] || `${prefix}-${name}`);
      if (!input) continue;
      input.setAttribute("aria-invalid", "true");
      labels.push(document.querySelector(`label[for="${input.id}"]`)?.textContent || name);
      first = first || input;
    }
    setStatus(
      `Klarna could not accept ${labels.length ? labels.join(", ") : "some of your details"}. ` +
        "Please correct them, save, and press Buy again.",
    );
    first?.focus();
  };

  /** The authorize() / finalize() callback: one answer per outcome (Klarna SDK reference). */
  const onPurchaseResult = (result, authorized, category) => {
    purchaseRunning = false;
    if (result.approved && result.authorization_token) {
      // Approved: the token goes to the server in the CSRF-protected form; it places the order.
      placeForm.elements.authorization_token.value = result.authorization_token;
      placeForm.elements.klarna_session_id.value = authorized.session_id;
      placeForm.elements.purchase_fingerprint.value = authorized.purchase_fingerprint;
      purchaseRunning = true;
      updateBuyButton();
      setStatus("Placing your order…");
      placeForm.submit();
      return;
    }
    if (result.approved && result.finalize_required) {
      // Klarna moves the money only at finalize(): that is the shopper's next, last click.
      finalizeCategory = category;
      setStatus("Almost done: press Confirm payment to let Klarna complete the payment.");
    } else if (result.error && Array.isArray(result.error.invalid_fields)) {
      showInvalidFields(result.error.invalid_fields);
    } else if (result.show_form === false) {
      // Hard decline: Klarna will not take this purchase; it is hidden for this cart.
      widget = { ...widget, declined: true };
      setStatus("");
      queueEdit(root.dataset.declinedUrl);
    } else {
      setStatus("You closed Klarna before finishing. Nothing was charged; press Buy when ready.");
    }
    updateBuyButton();
  };

  placeForm.addEventListener("submit", (event) => {
    event.preventDefault(); // submitted by onPurchaseResult, with the token
    if (buyButton.disabled) return;
    const category = finalizeCategory || selectedCategory();
    const authorized = widget; // the state whose addresses and fingerprint authorize() gets
    purchaseRunning = true;
    updateBuyButton();
    setStatus("");
    try {
      const callback = (result) => onPurchaseResult(result, authorized, category);
      if (finalizeCategory) {
        Klarna.Payments.finalize({ payment_method_category: category }, authorized.authorize_data, callback);
      } else {
        Klarna.Payments.authorize(
          { payment_method_category: category, auto_finalize: AUTO_FINALIZE },
          authorized.authorize_data,
          callback,
        );
      }
    } catch (error) {
      purchaseRunning = false;
      updateBuyButton();
      setStatus("Klarna could not start the payment. Please reload the page and try again.");
      console.error(error);
    }
  });

  // Cart edits: every form inside a re-rendered page part goes through fetch.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("[data-fragment]")) return;
    event.preventDefault();
    queueForm(form);
  });

  /** Send a quantity typed a moment ago, from the field as it is now (an answer may have
   * re-rendered its line meanwhile, keeping what was typed, or removed it). */
  const sendTypedQuantity = (id) => {
    edits.typing.delete(id);
    const field = $(id);
    if (field?.checkValidity()) queueForm(field.form);
    updateBuyButton();
  };

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.matches?.(".quantity-input")) return;
    clearTimeout(edits.typing.get(input.id));
    edits.typing.set(input.id, setTimeout(() => sendTypedQuantity(input.id), QUANTITY_DEBOUNCE_MS));
    updateBuyButton();
  });

  document.addEventListener("change", (event) => {
    if (event.target.name === "payment_method_category") loadWidget();
  });

  updateBuyButton();
  loadWidget();
})();
