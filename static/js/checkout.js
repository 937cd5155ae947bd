/*
 * The payment page's script: Klarna's widget, cart edits that reload it, authorize() on Buy.
 *
 * Plain JavaScript modules, no build step. Configured by data- attributes and a JSON script tag
 * the server renders (templates/payment/show.html), so the page needs no inline script and a
 * strict Content-Security-Policy holds. This module wires the page's three parts:
 * - static/js/klarna-payments.js: Klarna's steps (load the SDK, init(), load(), authorize(),
 *   finalize(), the outcomes), the part to copy, with the Klarna docs it follows;
 * - static/js/payment-page-edits.js: cart edits sent with fetch, one at a time, newest wins;
 * - static/js/payment-page.js: the page's status line, messages and address form;
 * - static/js/dev-panel.js: the developer panel, told of each SDK call (KLARNA_DEV_PANEL).
 * Here: the widget's state, when Buy may be pressed, and the page's answer to each outcome.
 */
import { startDevPanel } from "./dev-panel.js";
import { authorize, finalize, loadWidget } from "./klarna-payments.js";
import { byId, selectedCategory, setStatus, showInvalidFields, text } from "./payment-page.js";
import { startEdits } from "./payment-page-edits.js";

const CONTAINER = "#klarna-payments-container";

/** Run the payment page whose Klarna section is `root`. */
function startPaymentPage(root) {
  const { sdkUrl, recheckUrl, declinedUrl } = root.dataset;
  // false: authorize() may answer finalize_required, and finalize() runs on the next click
  // (KLARNA_AUTO_FINALIZE in the shop's configuration).
  const autoFinalize = root.dataset.autoFinalize !== "false";
  const buyButton = byId("buy-button");
  const buyLabel = buyButton.firstChild;
  const placeForm = byId("place-order-form");
  const container = document.querySelector(CONTAINER);
  const stateTag = byId("klarna-widget-state");
  const devPanel = startDevPanel(byId("klarna-calls-panel"));
  const { onEvent } = devPanel;

  // What the server says about the widget: client token, session, categories, authorize data.
  let widget = stateTag ? JSON.parse(stateTag.textContent) : null;
  let recheckedToken = null; // the client token whose session the server was asked to check
  let formShown = false; // load() answered show_form: true for the chosen category
  let purchaseRunning = false; // authorize() or finalize() is open, or the order is being placed
  let finalizeCategory = null; // authorize() answered finalize_required for this category

  const klarnaUsable = () => Boolean(widget && !widget.declined && widget.client_token);

  const updateBuyButton = () => {
    buyButton.disabled = purchaseRunning || edits.isEditing() || !formShown || !klarnaUsable();
    buyLabel.textContent = text(finalizeCategory ? "confirmPayment" : "buyNow");
    container.hidden = !klarnaUsable();
    placeForm.hidden = !klarnaUsable();
  };

  /** (Re)load the widget of the chosen category; Buy waits for its show_form: true. */
  const showWidget = async () => {
    formShown = false;
    finalizeCategory = null;
    updateBuyButton();
    const category = selectedCategory();
    if (!klarnaUsable() || !category) return;
    const loadingFor = widget;
    let result;
    try {
      result = await loadWidget({
        sdkUrl,
        clientToken: widget.client_token,
        container: CONTAINER,
        category,
        onEvent,
      });
    } catch (error) {
      setStatus(text("klarnaNotLoaded"));
      console.error(error);
      return;
    }
    if (loadingFor !== widget || category !== selectedCategory()) return; // superseded
    formShown = result.show_form === true;
    if (!formShown && recheckedToken !== widget.client_token) {
      // Maybe Klarna dropped the session (it expires 48 h after its last update): the
      // server asks Klarna once and answers with a new session if so.
      recheckedToken = widget.client_token;
      edits.queueEdit(recheckUrl);
      return;
    }
    setStatus(formShown ? "" : text("categoryNotOffered"));
    updateBuyButton();
  };

  const edits = startEdits({
    onBusyChange: updateBuyButton,
    onWidgetState: (state) => {
      widget = state;
      showWidget();
    },
  });

  /** The page's answer to each of Klarna's outcomes for a purchase of `authorized` state. */
  const purchaseAnswers = (authorized, category) => {
    // Every outcome but approval ends the purchase: Buy may be pressed again.
    const ended = (answer) => {
      return (...args) => {
        purchaseRunning = false;
        answer(...args);
        updateBuyButton();
      };
    };
    return {
      approved: (authorizationToken) => {
        // The token goes to the server in the CSRF-protected form; it places the order.
        placeForm.elements.authorization_token.value = authorizationToken;
        placeForm.elements.klarna_session_id.value = authorized.session_id;
        placeForm.elements.purchase_fingerprint.value = authorized.purchase_fingerprint;
        // The category the shopper authorized in: the confirmation names it as Klarna did.
        placeForm.elements.authorized_category.value = category;
        // The purchase stays running, Buy disabled, while the order is being placed.
        setStatus(text("placing"));
        devPanel.whenReported(() => placeForm.submit());
      },
      finalizeRequired: ended(() => {
        // Klarna moves the money only at finalize(): that is the shopper's next, last click.
        finalizeCategory = category;
        setStatus(text("finalizeRequired"));
      }),
      invalidFields: ended(showInvalidFields),
      declined: ended(() => {
        // Hard decline: Klarna will not take this purchase; it is hidden for this cart.
        widget = { ...widget, declined: true };
        setStatus("");
        edits.queueEdit(declinedUrl);
      }),
      closed: ended(() => setStatus(text("closed"))),
    };
  };

  // Buy: authorize() (or finalize()) at once, inside the click's submit event.
  placeForm.addEventListener("submit", (event) => {
    event.preventDefault(); // submitted by the approved answer, with the token
    if (buyButton.disabled) return;
    const category = finalizeCategory || selectedCategory();
    const authorized = widget; // the state whose addresses and fingerprint authorize() gets
    purchaseRunning = true;
    updateBuyButton();
    setStatus("");
    const purchase = { category, data: authorized.authorize_data, onEvent };
    const answers = purchaseAnswers(authorized, category);
    try {
      if (finalizeCategory) finalize(purchase, answers);
      else authorize({ ...purchase, autoFinalize }, answers);
    } catch (error) {
      purchaseRunning = false;
      updateBuyButton();
      setStatus(text("startFailed"));
      console.error(error);
    }
  });

  document.addEventListener("change", (event) => {
    if (event.target.name === "payment_method_category") showWidget();
  });

  updateBuyButton();
  showWidget();
}

const root = byId("klarna-payment");
if (root) startPaymentPage(root);
