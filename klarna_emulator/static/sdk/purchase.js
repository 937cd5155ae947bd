/*
 * The purchase dialog: runs one authorize(), reauthorize() or finalize() for the SDK. It asks
 * the emulator to review the call (invalid data answers at once, without a dialog), shows the
 * purchase, takes the one-time code, confirms, and reports the callback payload. Closing it
 * (the close button or Escape) is the shopper aborting.
 */
import { errorOf, onMessage, postJson, ready, send } from "./frame.js";

const $ = (id) => document.getElementById(id);
const dialog = $("dialog");
const form = $("verify");
const code = $("code");
const codeError = $("code-error");
const confirmButton = $("confirm");
const CODE = /^[0-9]{6}$/;

let call = null; // the SDK call this dialog runs; one per dialog
let declinedResult = null; // set once the emulator declined: closing then reports it
let busy = false; // a confirmation is on its way: the outcome is no longer the shopper's to abort
let finished = false;

const finish = (message) => {
  if (finished) return;
  finished = true;
  dialog.hidden = true;
  send(message);
};

const close = () => {
  if (busy) return;
  finish(declinedResult ? { type: "done", result: declinedResult } : { type: "aborted" });
};

// What a tokenizing session may charge later (its subscription lines), as a list.
const renderAgreement = (review) => {
  const agrees = review.subscriptions.length > 0;
  // Only a shown agreement names the merchant: the name stays once on the page otherwise.
  $("agreement-merchant").textContent = agrees ? review.merchant_name : "";
  $("subscriptions").replaceChildren(
    ...review.subscriptions.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }),
  );
  $("agreement").hidden = !agrees;
};

const render = (review) => {
  $("heading").textContent = review.heading;
  $("merchant-verb").textContent = review.charges_now ? "Pay" : "Subscribe with";
  $("merchant").textContent = review.merchant_name;
  $("amount").textContent = review.amount;
  $("amount").hidden = !review.charges_now;
  $("plan").textContent = `${review.category_name} · ${review.plan}`;
  $("email").value = review.email;
  $("phone").value = review.phone;
  $("phone-field").hidden = !review.phone;
  renderAgreement(review);
  confirmButton.textContent = review.charges_now
    ? `Confirm and pay ${review.amount}`
    : "Confirm and save Klarna";
};

const showCodeError = (message) => {
  codeError.textContent = message;
  code.setAttribute("aria-invalid", "true");
  code.focus();
  code.select();
};

const showDeclined = (result) => {
  declinedResult = result;
  $("heading").textContent = "Purchase not approved";
  form.hidden = true;
  $("declined").hidden = false;
  $("declined-close").focus();
};

const start = async (message) => {
  call = {
    method: message.method,
    client_token: message.client_token,
    payment_method_category: message.payment_method_category,
    auto_finalize: message.auto_finalize,
    data: message.data,
  };
  const { ok, body } = await postJson("/kp/sdk/v1/purchase/review", call);
  if (!ok) {
    finish({ type: "failed", error: errorOf(body) });
  } else if (body.result) {
    finish({ type: "done", result: body.result });
  } else {
    render(body.review);
    dialog.hidden = false;
    send({ type: "show" });
  }
};

onMessage((message) => {
  if (message.type === "start" && !call) start(message);
  else if (message.type === "visible") code.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (busy || !call) return;
  if (!CODE.test(code.value)) {
    showCodeError("Enter the 6-digit code.");
    return;
  }
  busy = true;
  confirmButton.disabled = true;
  codeError.textContent = "";
  code.removeAttribute("aria-invalid");
  const { ok, body } = await postJson("/kp/sdk/v1/purchase/confirm", {
    ...call,
    verification_code: code.value,
  });
  busy = false;
  confirmButton.disabled = false;
  if (!ok) {
    finish({ type: "failed", error: errorOf(body) });
  } else if (body.verification_error) {
    showCodeError(body.verification_error);
  } else if (body.result.approved === false && body.result.show_form === false) {
    showDeclined(body.result);
  } else {
    finish({ type: "done", result: body.result });
  }
});

$("close").addEventListener("click", close);
$("declined-close").addEventListener("click", close);

const focusable = () =>
  [...dialog.querySelectorAll("button, input")].filter(
    (element) => !element.disabled && element.getClientRects().length > 0,
  );

// Escape closes; Tab and Shift+Tab cycle inside the dialog instead of leaving the frame.
document.addEventListener("keydown", (event) => {
  if (dialog.hidden) return;
  if (event.key === "Escape") {
    event.preventDefault();
    close();
    return;
  }
  if (event.key !== "Tab") return;
  const elements = focusable();
  const first = elements[0];
  const last = elements[elements.length - 1];
  const outside = !elements.includes(document.activeElement);
  if (event.shiftKey && (document.activeElement === first || outside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || outside)) {
    event.preventDefault();
    first.focus();
  }
});

ready();
