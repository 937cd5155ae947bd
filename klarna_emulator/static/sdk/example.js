/*
 * The example checkout: what a shop's checkout script does with Klarna's JS SDK.
 * 1. load the SDK and wait for klarnaAsyncCallback; 2. init() with the session's client token;
 * 3. load() one widget per payment method category; 4. reload them after a cart update;
 * 5. authorize() from the Buy click, with the shopper's billing address; 6. use the payload.
 */
const $ = (id) => document.getElementById(id);
let session = null;

const sdkReady = new Promise((resolve) => {
  window.klarnaAsyncCallback = resolve;
});
const sdk = document.createElement("script");
sdk.src = "/kp/lib/v1/api.js";
sdk.async = true;
document.head.append(sdk);

const say = (text) => {
  $("status").textContent = text;
};

// The shop's own server calls; a real shop creates sessions with its Klarna credentials.
const post = async (path, body) => {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${json.error_code}: ${json.error_messages.join("; ")}`);
  return json;
};

const selectedCategory = () => document.querySelector("input[name=category]:checked")?.value;

// One widget per offered category, in Klarna's order; the first one that shows its form is
// preselected once every widget has answered.
const loadWidgets = async (categories) => {
  const list = $("categories");
  list.replaceChildren();
  $("buy").disabled = true;
  const radios = categories.map((category) => {
    const option = document.createElement("div");
    option.className = "category";
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "category";
    radio.value = category.identifier;
    radio.disabled = true;
    label.append(radio, ` ${category.name}`);
    const container = document.createElement("div");
    container.className = "widget";
    option.append(label, container);
    list.append(option);
    const options = { container, payment_method_category: category.identifier };
    return new Promise((resolve) => {
      Klarna.Payments.load(options, (result) => {
        radio.disabled = !result.show_form;
        resolve(radio);
      });
    });
  });
  const usable = (await Promise.all(radios)).filter((radio) => !radio.disabled);
  if (usable.length) usable[0].checked = true;
  $("buy").disabled = !usable.length;
};

$("cart").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    say("Creating a session…");
    session = await post("/_emulator/example/sessions", {
      market: $("market").value,
      quantity: Number($("quantity").value),
    });
    $("email").value = session.billing_address.email;
    await sdkReady;
    Klarna.Payments.init({ client_token: session.client_token });
    $("payment").hidden = false;
    $("update").disabled = false;
    $("market").disabled = true;
    say(`Session ${session.session_id} created.`);
    await loadWidgets(session.payment_method_categories);
  } catch (error) {
    say(`Could not create the session: ${error.message}`);
  }
});

$("update").addEventListener("click", async () => {
  try {
    const updated = await post(`/_emulator/example/sessions/${session.session_id}`, {
      quantity: Number($("quantity").value),
    });
    // After a server-side update, load() again so the shopper sees the new amount.
    await loadWidgets(updated.payment_method_categories);
    say("Cart updated; the widgets were loaded again.");
  } catch (error) {
    say(`Could not update the cart: ${error.message}`);
  }
});

$("buy").addEventListener("click", () => {
  $("buy").disabled = true;
  const billing = { ...session.billing_address, email: $("email").value };
  Klarna.Payments.authorize(
    { payment_method_category: selectedCategory() },
    { billing_address: billing },
    (result) => {
      $("buy").disabled = false;
      $("outcome").hidden = false;
      $("result").textContent = JSON.stringify(result, null, 2);
      say(
        result.authorization_token
          ? "Approved: the shop's server would now create the order with this token."
          : "Not approved.",
      );
    },
  );
});
