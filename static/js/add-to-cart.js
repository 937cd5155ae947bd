/*
 * "Add to cart" on a product grid without leaving the page: the shopper keeps their place.
 *
 * Progressive enhancement: each form[data-add-to-cart] is a plain POST that works without
 * JavaScript (the server redirects back to the product's card). Here the same form is sent
 * with fetch, asking for JSON (storefront/views/cart.py); the answer's messages go into the
 * page's status region (announced by screen readers) and its cart link replaces the header's.
 * Any other answer (an error page, a redirect, no network) falls back to the plain POST.
 */

const STATUS_REGION = "flash-region";
// The message floats over the page (the shopper may be far down it), then goes.
const MESSAGE_SHOWN_MS = 5000;
let hideTimer = null;

/** Show the server's messages ({category, text}) in the page's status region. */
function showMessages(messages) {
  const region = document.getElementById(STATUS_REGION);
  if (!region) return;
  const list = document.createElement("ul");
  list.className = "flashes flashes-floating";
  for (const { category, text } of messages) {
    const item = document.createElement("li");
    item.className = `flash flash-${category}`;
    item.textContent = text;
    list.append(item);
  }
  region.replaceChildren(list);
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => list.remove(), MESSAGE_SHOWN_MS);
}

/** Put the server's re-rendered page parts ([data-fragment] name -> HTML) in place. */
function replaceFragments(fragments) {
  for (const [name, html] of Object.entries(fragments || {})) {
    const target = document.querySelector(`[data-fragment="${name}"]`);
    if (target) target.innerHTML = html;
  }
}

/** Send one add-to-cart form with fetch; resolve to the JSON answer, or null to fall back. */
async function sendAdd(form) {
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
      credentials: "same-origin",
      redirect: "error",
    });
  } catch {
    return null;
  }
  const isJson = response.headers.get("Content-Type")?.startsWith("application/json");
  if (!response.ok || !isJson) return null; // refused (409, 429, 400): the page says why
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** Send the submitted add-to-cart form in the background, keeping the page where it is. */
async function addInPlace(event) {
  const form = event.target.closest("form[data-add-to-cart]");
  if (!form || form.dataset.sending) return;
  event.preventDefault();
  form.dataset.sending = "true";
  const button = form.querySelector("button[type=submit]");
  button?.setAttribute("aria-busy", "true");
  const answer = await sendAdd(form);
  delete form.dataset.sending;
  button?.removeAttribute("aria-busy");
  if (answer === null) {
    form.submit(); // the plain POST: the server answers with a page, as without JavaScript
    return;
  }
  replaceFragments(answer.fragments);
  showMessages(answer.messages || []);
}

document.addEventListener("submit", addInPlace);
