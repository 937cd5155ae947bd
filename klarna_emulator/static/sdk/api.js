/*
 * Klarna Payments JS SDK, as the Klarna emulator serves it at /kp/lib/v1/api.js.
 *
 * Same surface and callback payloads as Klarna's script (Klarna docs:
 * https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference).
 * It defines window.Klarna.Payments, then calls window.klarnaAsyncCallback if the page defined it.
 * The widget and the purchase dialog are iframes from the emulator's origin; this script talks to
 * them with postMessage only, and accepts messages only from that origin and those frames.
 * It adds nothing a strict Content-Security-Policy blocks: no inline scripts, no <style>, no
 * style attributes (element.style is CSSOM, which CSP allows).
 */
(() => {
  "use strict";

  // The emulator's origin is wherever this script came from.
  const EMULATOR_ORIGIN = new URL(document.currentScript.src).origin;
  const FRAME_PATH = "/kp/sdk/v1/";
  // A frame's script says `ready` as it runs, before the frame's `load` event. A frame that has
  // loaded and still not said it within this time is an error page that never will: the
  // emulator refused to serve it (400 for a page origin it cannot embed into) or did not answer.
  const FRAME_START_MS = 2000;
  // The key id in the header of every client token the emulator issues
  // (klarna_emulator/domain/client_token.py).
  const EMULATOR_KEY_ID = "klarna-emulator";
  const EVENTS = ["heightChanged", "fullscreenOverlayShown", "fullscreenOverlayHidden"];
  const EMULATED = ["init", "load", "authorize", "reauthorize", "finalize", "on", "off"];
  // Keys that make an argument the `options` object rather than the `data` object.
  const OPTION_KEYS = [
    "container",
    "payment_method_category",
    "payment_method_categories",
    "instance_id",
    "auto_finalize",
    "preferred_payment_method",
  ];

  const errorClass = (name) => {
    const ErrorClass = class extends Error {
      constructor(message) {
        super(message);
        this.name = name;
      }
    };
    Object.defineProperty(ErrorClass, "name", { value: name });
    return ErrorClass;
  };
  // Klarna's names, so `error.name` checks written against Klarna work here.
  const InvalidClientTokenError = errorClass("InvalidClientTokenError");
  const ApplicationNotInitializedError = errorClass("ApplicationNotInitializedError");
  const ApplicationNotLoadedError = errorClass("ApplicationNotLoadedError");
  const InvalidContainerSelectorError = errorClass("InvalidContainerSelectorError");
  const PaymentMethodCategoryNotProvidedError = errorClass("PaymentMethodCategoryNotProvidedError");
  const PaymentMethodCategoryNotSupportedError = errorClass(
    "PaymentMethodCategoryNotSupportedError",
  );
  const EventNotSupportedError = errorClass("EventNotSupportedError");
  // The emulator's own: a Klarna feature it does not offer, a dialog already open.
  const NotEmulatedError = errorClass("NotEmulatedError");
  const PurchaseInProgressError = errorClass("PurchaseInProgressError");

  // Callback payloads by method: when the shopper closes the dialog, when the emulator cannot
  // run the call (expired session, forged token), and how the emulator's result is shaped
  // (reauthorize has no show_form or finalize_required). Klarna's SDK reference:
  // https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
  const withoutFormFlags = ({ show_form: _form, finalize_required: _finalize, ...rest }) => rest;
  const OUTCOMES = {
    load: { failed: { show_form: false } },
    authorize: {
      aborted: { approved: false, show_form: true },
      failed: { approved: false, show_form: false },
      shape: (result) => result,
    },
    finalize: {
      aborted: { approved: false, show_form: true },
      failed: { approved: false, show_form: false },
      shape: (result) => result,
    },
    reauthorize: {
      aborted: { approved: false },
      failed: { approved: false },
      shape: withoutFormFlags,
    },
  };

  const state = {
    clientToken: null,
    // category -> whether the session offers it, as of its last load()
    loaded: new Map(),
    lastCategory: null,
    widgets: new WeakMap(), // container element -> WidgetFrame
    purchase: null, // the open PurchaseFrame
  };
  const frames = new Set();
  const handlers = new Map(EVENTS.map((name) => [name, new Set()]));

  const emit = (name, ...args) => {
    for (const handler of handlers.get(name)) {
      // One failing handler must not stop the others or the SDK; report it like an event does.
      try {
        handler(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  };

  const report = (method, error) => {
    const name = error && typeof error.name === "string" ? error.name : "Error";
    const message = error && typeof error.message === "string" ? error.message : "";
    console.error(`Klarna emulator: ${method}() failed: ${name}: ${message}`);
  };

  // Structured data only (no functions, DOM nodes or prototypes) crosses into the frames.
  const plain = (data) => (data === undefined ? null : JSON.parse(JSON.stringify(data)));

  /**
   * An iframe from the emulator's origin, with a queue for messages sent before it is ready.
   * One that loads without becoming ready is removed and its calls fail (subclasses' `fail`).
   */
  class Frame {
    constructor(page, title) {
      this.iframe = document.createElement("iframe");
      const url = new URL(FRAME_PATH + page, EMULATOR_ORIGIN);
      url.searchParams.set("origin", window.location.origin);
      this.iframe.src = url.href;
      this.iframe.title = title;
      this.iframe.style.border = "0";
      this.ready = false;
      this.outbox = [];
      this.iframe.addEventListener("load", () => this.awaitStart());
      // Forget frames the page has since removed from its document.
      for (const frame of frames) {
        if (!frame.iframe.isConnected && frame.ready) frames.delete(frame);
      }
      frames.add(this);
    }

    send(message) {
      if (this.ready) this.iframe.contentWindow.postMessage(message, EMULATOR_ORIGIN);
      else this.outbox.push(message);
    }

    awaitStart() {
      if (this.ready || this.startTimer !== undefined) return;
      this.startTimer = setTimeout(() => {
        this.remove();
        this.fail({
          name: "FrameNotStartedError",
          message:
            `the emulator's frame ${this.iframe.src} loaded but did not start: the ` +
            "emulator answered it with an error or not at all (400 if it cannot be framed by " +
            `a page of origin ${window.location.origin}); open that URL to read it`,
        });
      }, FRAME_START_MS);
    }

    receive(message) {
      if (message.type !== "ready") return this.handle(message);
      this.ready = true;
      clearTimeout(this.startTimer);
      for (const queued of this.outbox.splice(0)) this.send(queued);
    }

    remove() {
      frames.delete(this);
      this.iframe.remove();
    }
  }

  window.addEventListener("message", (event) => {
    // Only the emulator's pages, and only from a window this SDK created: anything else
    // (another origin, another frame of the emulator's origin) is ignored.
    if (event.origin !== EMULATOR_ORIGIN) return;
    const frame = [...frames].find((candidate) => candidate.iframe.contentWindow === event.source);
    const message = event.data;
    if (!frame || !message || typeof message !== "object" || typeof message.type !== "string") {
      return;
    }
    frame.receive(message);
  });

  /** The widget of one container: answers each load() by its request number. */
  class WidgetFrame extends Frame {
    constructor(container) {
      super("widget", "Klarna payment method");
      this.height = 0;
      Object.assign(this.iframe.style, { display: "block", width: "100%", height: "0" });
      this.requests = new Map();
      this.nextRequest = 1;
      container.replaceChildren(this.iframe);
    }

    load(message) {
      const request = this.nextRequest++;
      return new Promise((resolve) => {
        this.requests.set(request, resolve);
        this.send({ ...message, type: "load", request });
      });
    }

    handle(message) {
      if (message.type === "height") {
        if (!Number.isFinite(message.height) || message.height < 0) return;
        const height = Math.ceil(message.height);
        if (height === this.height) return;
        this.height = height;
        this.iframe.style.height = `${height}px`;
        emit("heightChanged", height);
        return;
      }
      const resolve = this.requests.get(message.request);
      if (!resolve || (message.type !== "done" && message.type !== "failed")) return;
      this.requests.delete(message.request);
      resolve(message);
    }

    fail(error) {
      for (const [request, resolve] of this.requests) resolve({ type: "failed", request, error });
      this.requests.clear();
    }
  }

  /** The purchase dialog: a full-page overlay, shown once the emulator has reviewed the call. */
  class PurchaseFrame extends Frame {
    constructor(method, message, callback) {
      super("purchase", "Klarna purchase");
      this.method = method;
      this.callback = callback;
      this.shown = false;
      Object.assign(this.iframe.style, {
        display: "none",
        position: "fixed",
        inset: "0",
        width: "100%",
        height: "100%",
        zIndex: "2147483647",
        background: "transparent",
        colorScheme: "normal",
      });
      this.keepFocus = (event) => {
        if (event.target !== this.iframe) this.iframe.focus();
      };
      document.body.append(this.iframe);
      this.send({ ...message, type: "start", method });
    }

    handle(message) {
      const outcome = OUTCOMES[this.method];
      if (message.type === "show") this.show();
      else if (message.type === "done" && message.result && typeof message.result === "object") {
        this.finish(outcome.shape(message.result));
      } else if (message.type === "aborted") this.finish({ ...outcome.aborted });
      else if (message.type === "failed") this.fail(message.error);
    }

    fail(error) {
      report(this.method, error);
      this.finish({ ...OUTCOMES[this.method].failed });
    }

    show() {
      if (this.shown) return;
      this.shown = true;
      this.returnFocus = document.activeElement;
      this.pageOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = "hidden";
      this.iframe.style.display = "block";
      // aria-modal inside the frame does not hide the page around it from screen readers: make
      // the rest of the page inert while the dialog is open (WAI-ARIA APG, modal dialog
      // pattern). Only what this makes inert is restored; what the page made inert stays so.
      this.inerted = [...document.body.children].filter(
        (element) => element !== this.iframe && !element.inert,
      );
      for (const element of this.inerted) element.inert = true;
      // Keep keyboard focus in the dialog: the frame wraps Tab itself, this catches the rest
      // (such as elements the page adds while the dialog is open).
      document.addEventListener("focusin", this.keepFocus, true);
      this.iframe.focus();
      // Only a displayed frame can take focus: now the dialog can focus its first field.
      this.send({ type: "visible" });
      emit("fullscreenOverlayShown");
    }

    finish(payload) {
      this.remove();
      state.purchase = null;
      if (this.shown) {
        document.removeEventListener("focusin", this.keepFocus, true);
        for (const element of this.inerted) element.inert = false;
        document.documentElement.style.overflow = this.pageOverflow;
        if (this.returnFocus?.isConnected) this.returnFocus.focus();
        emit("fullscreenOverlayHidden");
      }
      this.callback(payload);
    }
  }

  const decodeSegment = (segment) => {
    const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  };

  /**
   * Klarna's init() rejects a token that is not a JWT. The emulator also rejects one it did not
   * issue (a real Klarna token means the shop's API and SDK URLs point at different places).
   * Its signature and its session's life are checked by the emulator at load() and authorize().
   */
  const checkClientToken = (token) => {
    if (typeof token !== "string" || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
      throw new InvalidClientTokenError("client_token is not a JWT (header.payload.signature)");
    }
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((segment) => {
        try {
          return decodeSegment(segment);
        } catch {
          throw new InvalidClientTokenError("client_token is not a JWT: a part is not JSON");
        }
      });
    if (!header || header.kid !== EMULATOR_KEY_ID) {
      throw new InvalidClientTokenError(
        "client_token was not issued by the Klarna emulator: create the session with the " +
          "emulator's API, or load Klarna's own SDK for Klarna's sessions",
      );
    }
    if (!payload || typeof payload.session_id !== "string") {
      throw new InvalidClientTokenError("client_token carries no session_id");
    }
  };

  const requireInit = (method) => {
    if (!state.clientToken) {
      throw new ApplicationNotInitializedError(
        `Klarna.Payments.${method}(): call Klarna.Payments.init({client_token}) first`,
      );
    }
  };

  /**
   * Klarna documents fn(options, data?, callback). Integrations also call fn(options, callback),
   * fn(data, callback) and fn(data, options, callback) (WooCommerce's plugin passes data first),
   * which Klarna's SDK evidently tolerates; how it tells them apart is undocumented, so this is
   * our rule (docs/sdk.md, "Argument forms"): an object is `options` when it has an option key,
   * else it is `data`.
   */
  const parseArguments = (method, args) => {
    const list = [...args];
    const callback = list.pop();
    if (typeof callback !== "function") {
      throw new TypeError(`Klarna.Payments.${method}(): the last argument must be a callback`);
    }
    const objects = list.filter((arg) => arg !== undefined && arg !== null);
    if (objects.length > 2 || objects.some((arg) => typeof arg !== "object")) {
      throw new TypeError(`Klarna.Payments.${method}(options, data?, callback): bad arguments`);
    }
    const isOptions = (object) => OPTION_KEYS.some((key) => key in object);
    let [options = {}, data] = objects;
    if (objects.length === 2 && !isOptions(options) && isOptions(data)) {
      [options, data] = [data, options];
    } else if (objects.length === 1 && !isOptions(options)) {
      [options, data] = [{}, options];
    }
    return { options, data, callback };
  };

  const categoryOf = (method, options) => {
    if ("payment_method_categories" in options || "instance_id" in options) {
      throw new NotEmulatedError(
        `Klarna.Payments.${method}(): several categories in one widget ` +
          "(payment_method_categories, instance_id) are not emulated; use payment_method_category",
      );
    }
    // Without a category, the purchase methods use the one last loaded.
    const category =
      options.payment_method_category ?? (method === "load" ? undefined : state.lastCategory);
    if (typeof category !== "string" || !category) {
      throw new PaymentMethodCategoryNotProvidedError(
        `Klarna.Payments.${method}(): options.payment_method_category is required`,
      );
    }
    return category;
  };

  const containerOf = (container) => {
    let element = container;
    if (typeof container === "string") {
      try {
        element = document.querySelector(container);
      } catch {
        element = null;
      }
    }
    if (!(element instanceof Element)) {
      throw new InvalidContainerSelectorError(
        `Klarna.Payments.load(): options.container must be an element or a selector of one; ` +
          `nothing matches ${String(container)}`,
      );
    }
    return element;
  };

  const widgetIn = (container) => {
    const existing = state.widgets.get(container);
    if (existing && existing.iframe.parentNode === container) return existing;
    existing?.remove();
    const widget = new WidgetFrame(container);
    state.widgets.set(container, widget);
    return widget;
  };

  function init(options) {
    const token = options ? options.client_token : undefined;
    checkClientToken(token);
    // A new token is a new session: what was loaded belongs to the old one (plugins re-init).
    state.clientToken = token;
    state.loaded.clear();
    state.lastCategory = null;
  }

  function load(...args) {
    requireInit("load");
    if (window.location.origin === "null") {
      throw new NotEmulatedError("the widget needs a page with an origin (http or https)");
    }
    const { options, data, callback } = parseArguments("load", args);
    const category = categoryOf("load", options);
    const widget = widgetIn(containerOf(options.container));
    const message = {
      client_token: state.clientToken,
      payment_method_category: category,
      data: plain(data),
    };
    widget.load(message).then((reply) => {
      if (reply.type === "failed") {
        report("load", reply.error);
        callback({ ...OUTCOMES.load.failed });
        return;
      }
      state.loaded.set(category, reply.offered === true);
      state.lastCategory = category;
      callback(reply.result);
    });
  }

  const purchase = (method, args) => {
    requireInit(method);
    const { options, data, callback } = parseArguments(method, args);
    const category = categoryOf(method, options);
    // reauthorize() is for pages where the widget is no longer shown, so it needs no load().
    if (method !== "reauthorize" && !state.loaded.has(category)) {
      throw new ApplicationNotLoadedError(
        `Klarna.Payments.${method}(): load() the "${category}" widget and wait for its callback`,
      );
    }
    if (state.loaded.get(category) === false) {
      throw new PaymentMethodCategoryNotSupportedError(
        `Klarna.Payments.${method}(): this session does not offer "${category}"`,
      );
    }
    if (options.auto_finalize !== undefined && typeof options.auto_finalize !== "boolean") {
      throw new TypeError(`Klarna.Payments.${method}(): options.auto_finalize must be a boolean`);
    }
    if (state.purchase) {
      throw new PurchaseInProgressError(
        `Klarna.Payments.${method}(): the purchase dialog is already open; wait for its callback`,
      );
    }
    const message = {
      client_token: state.clientToken,
      payment_method_category: category,
      auto_finalize: options.auto_finalize !== false,
      data: plain(data),
    };
    state.purchase = new PurchaseFrame(method, message, callback);
  };

  function authorize(...args) {
    purchase("authorize", args);
  }

  function reauthorize(...args) {
    purchase("reauthorize", args);
  }

  function finalize(...args) {
    purchase("finalize", args);
  }

  const handlersOf = (method, name) => {
    if (!handlers.has(name)) {
      throw new EventNotSupportedError(
        `Klarna.Payments.${method}(): "${name}" is not an event (events: ${EVENTS.join(", ")})`,
      );
    }
    return handlers.get(name);
  };

  function on(name, handler) {
    if (typeof handler !== "function") {
      throw new TypeError("Klarna.Payments.on(event, handler): handler must be a function");
    }
    handlersOf("on", name).add(handler);
  }

  function off(name, handler) {
    const registered = handlersOf("off", name);
    if (handler === undefined) registered.clear();
    else registered.delete(handler);
  }

  const api = Object.freeze({ init, load, authorize, reauthorize, finalize, on, off });
  // Any other method (loadPaymentReview, ...) throws a clear error naming it instead of
  // "is not a function". `then` and `toJSON` stay undefined, so promise resolution and
  // JSON.stringify treat Klarna.Payments as the plain object it is.
  const PASSED_THROUGH = new Set(["then", "toJSON"]);
  const payments = new Proxy(api, {
    get(target, property) {
      if (property in target || typeof property !== "string" || PASSED_THROUGH.has(property)) {
        return target[property];
      }
      return () => {
        throw new NotEmulatedError(
          `Klarna.Payments.${property}() is not emulated by the Klarna emulator ` +
            `(emulated: ${EMULATED.join(", ")})`,
        );
      };
    },
  });

  window.Klarna = window.Klarna || {};
  window.Klarna.Payments = payments;
  if (typeof window.klarnaAsyncCallback === "function") window.klarnaAsyncCallback();
})();
