/*
 * The developer panel's browser side (KLARNA_DEV_PANEL): report the page's Klarna SDK calls.
 *
 * static/js/klarna-payments.js hands each SDK call (init, load, authorize, finalize) and
 * Klarna's result to an optional `onEvent` callback; checkout.js passes this module's. Each call
 * is posted to the shop, one at a time and in order, which stores it with the checkout (scrubbed
 * as its log) and answers the panel's rows re-rendered. Without the panel on the page (the
 * setting is off) nothing is posted and whenReported() goes on at once.
 */

// A purchase waits at most this long for its authorize() result to reach the panel.
const REPORT_WAIT_MS = 2000;

/**
 * Start reporting to the panel, if the page has one.
 * @param {HTMLElement | null} panel The panel's <details>, with data-sdk-calls-url.
 * @returns {{onEvent: ((event: object) => void) | undefined,
 *   whenReported: (next: () => void) => void}} onEvent for klarna-payments.js; whenReported
 *   runs `next` once the calls so far are stored (so the panel lists authorize() before the
 *   order the page then places), or after REPORT_WAIT_MS.
 */
export function startDevPanel(panel) {
  const url = panel?.dataset.sdkCallsUrl;
  if (!url) return { onEvent: undefined, whenReported: (next) => next() };
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const rows = panel.querySelector('[data-fragment="klarna_calls"]');
  let reported = Promise.resolve();

  const post = async (event) => {
    try {
      const response = await fetch(url, {
        method: "POST",
        body: JSON.stringify(event),
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken,
          Accept: "application/json",
        },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      rows.innerHTML = (await response.json()).panel;
    } catch (error) {
      // The panel is a developer's aid: the purchase goes on without it.
      console.warn("Klarna SDK call not shown in the developer panel", error);
    }
  };

  const onEvent = (event) => {
    reported = reported.then(() => post(event));
  };

  const whenReported = (next) => {
    const timeout = new Promise((resolve) => setTimeout(resolve, REPORT_WAIT_MS));
    Promise.race([reported, timeout]).then(next);
  };

  return { onEvent, whenReported };
}
