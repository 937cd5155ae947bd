/*
 * What the emulator's iframe pages (widget, purchase dialog) share: messages to and from the
 * Klarna.Payments SDK in the embedding page, and JSON calls to the emulator.
 */

// The embedding page's origin, as the server checked it and enforced it with CSP
// frame-ancestors (see klarna_emulator/sdk/pages.py).
const parentOrigin = document.body.dataset.embedderOrigin;

/** Send a message to the SDK, to the embedding page's origin only. */
export const send = (message) => window.parent.postMessage(message, parentOrigin);

/** Call `listener` with each message from the SDK; messages from anywhere else are ignored. */
export const onMessage = (listener) => {
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    const message = event.data;
    if (message && typeof message === "object" && typeof message.type === "string") {
      listener(message);
    }
  });
};

/** POST JSON to the emulator; `{ok, status, body}` (body is `{}` when it is not JSON). */
export const postJson = async (path, payload) => {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
    });
    const body = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, body };
  } catch (error) {
    const body = { error_code: "NetworkError", error_messages: [String(error)] };
    return { ok: false, status: 0, body };
  }
};

/** The `{name, message}` the SDK reports for a failed call, from the emulator's error body. */
export const errorOf = (body) => ({
  name: body.error_code || "Error",
  message: (body.error_messages || []).join("; "),
});

/** Tell the SDK this frame listens (it queues its messages until then). */
export const ready = () => send({ type: "ready" });
