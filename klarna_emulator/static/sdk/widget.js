/*
 * The widget iframe: on each load() from the SDK, asks the emulator what to show, shows the
 * category and its plan for the session's current amount, and reports the callback payload
 * and the frame's height.
 */
import { errorOf, onMessage, postJson, ready, send } from "./frame.js";

const widget = document.getElementById("widget");
const method = document.getElementById("method");
const unavailable = document.getElementById("unavailable");
let latestRequest = 0;

const render = (view) => {
  method.hidden = !view;
  unavailable.hidden = Boolean(view);
  if (view) {
    document.getElementById("badge").src = view.badge_url;
    document.getElementById("name").textContent = view.name;
    document.getElementById("plan").textContent = view.plan;
  }
  widget.hidden = false;
};

onMessage(async (message) => {
  if (message.type !== "load") return;
  const request = message.request;
  latestRequest = Math.max(latestRequest, request);
  const { ok, body } = await postJson("/kp/sdk/v1/load", {
    client_token: message.client_token,
    payment_method_category: message.payment_method_category,
    data: message.data,
  });
  // Loads can overlap (a cart edited twice quickly): every call gets its answer, the newest
  // one decides what is shown.
  if (request === latestRequest) render(ok ? body.widget : null);
  // The new height goes before the answer, so load()'s callback (which lets the page enable
  // its Buy button) never runs while the iframe is still 0 px tall: a blank widget area.
  reportHeight();
  if (ok) send({ type: "done", request, result: body.result, offered: body.offered });
  else send({ type: "failed", request, error: errorOf(body) });
});

/** Tell the SDK the content's height (reading it lays the frame out now), to size the iframe. */
function reportHeight() {
  send({ type: "height", height: document.body.getBoundingClientRect().height });
}

// Report the height whenever the content changes size, so the SDK resizes the iframe.
new ResizeObserver(reportHeight).observe(document.body);

ready();
