/*
 * The payment page's cart edits: sent with fetch, one at a time, each answer updating the page.
 *
 * Every form inside a re-rendered page part ([data-fragment]) goes to the server with fetch, in
 * the shopper's order, the newest edit of a form replacing one not sent yet; a quantity is sent
 * a moment after the last keystroke. The server updates the Klarna session; its answer brings
 * the re-rendered page parts and the widget's new state, which the page loads again. The page's
 * other posts (recheck the session, report a decline) wait in the same queue, so no answer is
 * applied over a newer one.
 */
import { byId, selectedCategory, setStatus, showMessages, text } from "./payment-page.js";

// Wait this long after the last keystroke in a quantity field before sending it: long enough
// for a two-digit quantity typed at once to go as one edit, short enough that the widget shows
// the new amount within half a second (tests/benchmarks/widget_reload.py).
const QUANTITY_DEBOUNCE_MS = 200;

/** The answer shown when an edit got no usable answer. */
const saveFailed = () => ({ messages: [{ category: "error", text: text("saveFailed") }] });

/**
 * Send the page's edits from now on.
 * @param {object} page
 * @param {() => void} page.onBusyChange An edit was queued, sent or answered: see isEditing().
 * @param {(state: object) => void} page.onWidgetState An answer brought the widget's new state.
 * @returns {{queueEdit: (action: string, body?: FormData | null) => void, isEditing: () => boolean}}
 */
export function startEdits({ onBusyChange, onWidgetState }) {
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  // Posts to the shop, one at a time, in order; `typing`: quantity field id -> debounce timer.
  const edits = { queue: [], sending: null, sequence: 0, applied: 0, typing: new Map() };

  /** Whether an edit is being typed, waits, or is on its way: the page is not settled. */
  const isEditing = () => edits.sending !== null || edits.queue.length > 0 || edits.typing.size > 0;

  /** Put the server's re-rendered page parts in place, keeping focus and the chosen category. */
  const replaceFragments = (fragments) => {
    const category = selectedCategory();
    const focusedId = document.activeElement?.id;
    // A quantity still being typed (its edit not sent yet) is newer than this answer: keep it.
    const typed = [...edits.typing.keys()].map((id) => [id, byId(id)?.value]);
    for (const [name, html] of Object.entries(fragments)) {
      const target = document.querySelector(`[data-fragment="${name}"]`);
      if (target) target.innerHTML = html;
    }
    for (const [id, value] of typed) if (byId(id) && value !== undefined) byId(id).value = value;
    const radio = category && byId(`category-${category}`);
    if (radio) radio.checked = true;
    if (focusedId && byId(focusedId)) byId(focusedId).focus();
    const total = byId("order-total");
    if (total) byId("buy-amount").textContent = total.textContent;
  };

  const applyAnswer = (answer) => {
    showMessages(answer.messages || []);
    if (answer.redirect) {
      window.location.assign(answer.redirect);
      return;
    }
    if (edits.queue.length > 0) return; // a newer edit is on its way; its answer wins
    if (answer.fragments) replaceFragments(answer.fragments);
    if ("payment" in answer) onWidgetState(answer.payment);
  };

  /** Send queued edits one at a time, so the server applies them in the shopper's order. */
  const sendEdits = async () => {
    if (edits.sending || edits.queue.length === 0) return;
    const edit = edits.queue.shift();
    edits.sending = edit;
    onBusyChange();
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
      answer = saveFailed();
    }
    edits.sending = null;
    // Edits go one at a time, so answers come in order; the check keeps it so regardless.
    if (edit.sequence > edits.applied) {
      edits.applied = edit.sequence;
      applyAnswer(answer);
    }
    onBusyChange();
    sendEdits();
  };

  /** Queue a POST to one of the page's endpoints (a form's data, or none); the newest wins. */
  const queueEdit = (action, body = null) => {
    const edit = { action, body, sequence: ++edits.sequence };
    const waiting = edits.queue.findIndex((queued) => queued.action === edit.action);
    if (waiting >= 0)
      edits.queue[waiting] = edit; // the newest edit of a form wins
    else edits.queue.push(edit);
    setStatus("");
    sendEdits();
  };

  const queueForm = (form) => queueEdit(form.action, new FormData(form));

  /** Send a quantity typed a moment ago, from the field as it is now (an answer may have
   * re-rendered its line meanwhile, keeping what was typed, or removed it). */
  const sendTypedQuantity = (id) => {
    edits.typing.delete(id);
    const field = byId(id);
    if (field?.checkValidity()) queueForm(field.form);
    onBusyChange();
  };

  // Cart edits: every form inside a re-rendered page part goes through fetch.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("[data-fragment]")) return;
    event.preventDefault();
    queueForm(form);
  });

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.matches?.(".quantity-input")) return;
    clearTimeout(edits.typing.get(input.id));
    edits.typing.set(
      input.id,
      setTimeout(() => sendTypedQuantity(input.id), QUANTITY_DEBOUNCE_MS),
    );
    onBusyChange();
  });

  return { queueEdit, isEditing };
}
