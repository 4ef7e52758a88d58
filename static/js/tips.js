// Paying by card with Stripe.js (tips and a supporter's first payment), and the revenue
// page's statement refreshing itself when a tip arrives.
// A payment's final state comes only from Stripe's webhook: after the card is confirmed
// the page waits for the server to say so, and never claims success on its own.
(function () {
  "use strict";

  var POLL_MS = 2000;
  var POLL_TRIES = 60;

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    // randomUUID needs a secure context; a plain-http development host still gets 128 random bits.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function csrfToken(form) {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(node, text, isError) {
    if (!node) return;
    node.textContent = text;
    node.hidden = !text;
    node.classList.toggle("error", !!isError);
  }

  function errorsInto(node, messages) {
    node.textContent = "";
    (messages || []).forEach(function (message) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = message;
      node.appendChild(p);
    });
  }

  function mountCard(form, publishableKey) {
    if (!window.Stripe || !publishableKey) return null;
    var stripe = window.Stripe(publishableKey);
    var card = stripe.elements().create("card");
    card.mount(form.querySelector("[data-card]"));
    return { stripe: stripe, card: card };
  }

  // The card becomes a payment method in the browser (Stripe.js keeps the number away from
  // Encore); the server attaches it and confirms. A stand-in Stripe.js without
  // createPaymentMethod (the local test server's) makes a token, whose card works the same.
  function cardMethod(payment) {
    var made = payment.stripe.createPaymentMethod
      ? payment.stripe.createPaymentMethod({ type: "card", card: payment.card })
      : null;
    return Promise.resolve(made).then(function (result) {
      if (result && result.paymentMethod) return { id: result.paymentMethod.id };
      if (result && result.error) return { error: result.error };
      return payment.stripe.createToken(payment.card).then(function (answer) {
        return answer.error ? { error: answer.error } : { id: answer.token.card.id };
      });
    });
  }

  // The API takes JSON; a browser session sends its CSRF token, as the API checks it.
  function postJSON(url, data, form, extraHeaders) {
    var headers = { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) };
    Object.keys(extraHeaders || {}).forEach(function (name) { headers[name] = extraHeaders[name]; });
    return fetch(url, {
      method: "POST",
      body: JSON.stringify(data),
      credentials: "same-origin",
      headers: headers,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  // Resolves to {error} or {status}; a card that asks for authentication is handed to Stripe.js.
  function confirmCard(payment, url, clientSecret, form) {
    return cardMethod(payment).then(function (method) {
      if (method.error) return { error: method.error };
      return postJSON(url, { payment_method: method.id }, form).then(function (answer) {
        if (!answer.ok) {
          var errors = (answer.body.errors && answer.body.errors.payment_method) || [];
          return { error: { message: errors[0] || answer.body.detail || "Your card was not charged." } };
        }
        if (answer.body.failure_message) return { error: { message: answer.body.failure_message } };
        if (answer.body.status === "requires_action" && clientSecret) {
          return payment.stripe.confirmCardPayment(clientSecret).then(function (result) {
            return result.error ? { error: result.error } : { status: "processing" };
          });
        }
        return { status: answer.body.status };
      });
    });
  }

  // --- tips --------------------------------------------------------------------------

  // "7", "7.50", "7,50", "€ 7.50": what people type for an amount; the API takes cents.
  var MAJOR_UNITS = /^\s*(?:[€$£]\s*)?(\d{1,7})(?:[.,](\d{1,2}))?\s*(?:[€$£])?\s*$/;

  function centsOf(text) {
    var match = MAJOR_UNITS.exec(text || "");
    if (!match) return null;
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "0").padEnd(2, "0"), 10);
  }

  // The tip as the API takes it, or the errors that keep it from being sent. The limits
  // are the server's to check: it answers them on "amount" like any other field.
  function tipRequest(form) {
    var data = { artist: form.dataset.artistSlug, message: form.elements.message.value };
    var performance = form.elements.performance.value;
    if (performance) data.performance = parseInt(performance, 10);
    var choice = form.querySelector("[name=amount]:checked");
    if (!choice) return { errors: { amount: ["Choose an amount."] } };
    if (choice.hasAttribute("data-custom-choice")) {
      data.amount = centsOf(form.elements.custom_amount.value);
      if (data.amount === null) {
        var symbol = form.dataset.currencySymbol;
        return { errors: { amount: ["Give the amount in " + symbol + ", like 7 or 7.50."] } };
      }
    } else {
      data.amount = parseInt(choice.value, 10);
    }
    return { data: data };
  }

  function setUpTipForm(form) {
    var payment = mountCard(form, form.dataset.publishableKey);
    var submit = form.querySelector("[data-tip-submit]");
    var status = form.querySelector("[data-tip-status]");
    var formErrors = form.querySelector("[data-tip-errors]");
    var cardErrors = form.querySelector("[data-card-errors]");
    if (!payment) {
      say(status, "The card field could not be loaded. Check your connection and reload the page.", true);
      return;
    }
    submit.disabled = false;
    // One key per attempt: a retry after a dropped connection reuses it, so the server
    // finds the tip it already started instead of charging twice.
    var attemptKey = null;
    var busy = false;

    var custom = form.querySelector("[data-custom-amount]");
    var customChoice = form.querySelector("[data-custom-choice]");
    if (custom && customChoice) {
      custom.addEventListener("focus", function () { customChoice.checked = true; });
    }
    form.addEventListener("input", function () { if (!busy) attemptKey = null; });
    form.addEventListener("change", function () { if (!busy) attemptKey = null; });

    function clearErrors() {
      errorsInto(formErrors, []);
      errorsInto(cardErrors, []);
      form.querySelectorAll(".field-errors").forEach(function (node) { errorsInto(node, []); });
      form.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
    }

    function showErrors(body) {
      var errors = (body && body.errors) || {};
      var general = [];
      Object.keys(errors).forEach(function (field) {
        var region = document.getElementById("id_" + field + "-errors");
        if (region) {
          errorsInto(region, errors[field]);
          var wrapper = region.closest(".field");
          if (wrapper) wrapper.classList.add("has-error");
        } else {
          general = general.concat(errors[field]);
        }
      });
      if (!Object.keys(errors).length) general.push((body && body.detail) || "Something went wrong. Try again.");
      errorsInto(formErrors, general);
    }

    function finish(text, isError) {
      busy = false;
      submit.disabled = false;
      say(status, text, isError);
    }

    function poll(url, tries) {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : { status: "pending" }; })
        .catch(function () { return { status: "pending" }; })
        .then(function (tip) {
          if (tip.status === "succeeded") {
            attemptKey = null;
            finish("Thank you! Your tip reached " + form.dataset.artist + ".", false);
          } else if (tip.status === "failed") {
            attemptKey = null;
            finish("The payment didn't go through. Nothing was charged.", true);
          } else if (tip.status === "refunded") {
            attemptKey = null;
            finish("This tip was refunded.", true);
          } else if (tries > 0) {
            setTimeout(function () { poll(url, tries - 1); }, POLL_MS);
          } else {
            finish("Your bank hasn't confirmed yet. You won't be charged twice: check back later, or close this page.", false);
          }
        });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      submit.disabled = true;
      clearErrors();
      var request = tipRequest(form);
      if (request.errors) {
        attemptKey = null;
        showErrors({ errors: request.errors });
        finish("", false);
        return;
      }
      if (!attemptKey) attemptKey = newKey();
      say(status, "Starting your tip…", false);
      postJSON(form.action, request.data, form, { "Idempotency-Key": attemptKey })
        .then(function (answer) {
          if (!answer.ok) {
            showErrors(answer.body);
            // Bad input changes the form anyway; an outage keeps the key so a retry is the same tip.
            if (answer.status === 400 || answer.status === 409) attemptKey = null;
            finish("", false);
            return;
          }
          var tip = answer.body;
          // The tips API (the form's action) reads a tip at its id and pays it at confirm/.
          var tipUrl = form.action + tip.id + "/";
          if (tip.status !== "pending") { poll(tipUrl, 0); return; }
          say(status, "Confirming with your bank…", false);
          return confirmCard(payment, tipUrl + "confirm/", tip.client_secret, form).then(function (result) {
            if (result.error) {
              attemptKey = null;
              errorsInto(cardErrors, [result.error.message || "Your card was not charged."]);
              finish("Your card was not charged.", true);
              return;
            }
            say(status, "Thank you — waiting for confirmation", false);
            poll(tipUrl, POLL_TRIES);
          });
        })
        .catch(function () {
          finish("Couldn't reach Encore. Check your connection and try again: you won't be charged twice.", true);
        });
    });
  }

  // --- a supporter's first payment -------------------------------------------------------

  function setUpSupporterForm(form) {
    var payment = mountCard(form, form.dataset.publishableKey);
    var submit = form.querySelector("[data-confirm-submit]");
    var cardErrors = form.querySelector("[data-card-errors]");
    if (!payment) {
      errorsInto(cardErrors, ["The card field could not be loaded. Check your connection and reload the page."]);
      return;
    }
    submit.disabled = false;

    function failed(message) {
      errorsInto(cardErrors, [message || "Your card was not charged."]);
      submit.disabled = false;
    }

    function showStatus() {
      var region = document.getElementById("supporter-status");
      if (window.htmx && region) {
        window.htmx.ajax("GET", form.dataset.statusUrl, { target: region, swap: "outerHTML" });
      } else {
        window.location.reload();
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit.disabled = true;
      errorsInto(cardErrors, []);
      cardMethod(payment)
        .then(function (method) {
          if (method.error) return failed(method.error.message);
          return postJSON(form.action, { payment_method: method.id }, form).then(function (answer) {
            if (!answer.ok) {
              var errors = (answer.body.errors && answer.body.errors.payment_method) || [];
              return failed(errors[0] || answer.body.detail);
            }
            if (answer.body.status === "incomplete" && answer.body.client_secret) {
              // The bank asks for authentication: Stripe.js shows it, then Stripe has the verdict.
              return payment.stripe.confirmCardPayment(answer.body.client_secret).then(function (result) {
                if (result.error) return failed(result.error.message);
                showStatus();
              });
            }
            showStatus();
          });
        })
        .catch(function () { failed("Couldn't reach Encore. Check your connection and try again."); });
    });
  }

  // --- the revenue page ----------------------------------------------------------------------

  function watchTips() {
    var me = window.Encore && window.Encore.me;
    if (!me) return;
    var created = me.handlers["notification.created"];
    var snapshot = me.handlers.snapshot;
    var snapshots = 0;
    function refresh() { document.dispatchEvent(new CustomEvent("encore:tip")); }
    me.handlers["notification.created"] = function (message) {
      if (created) created(message);
      if (message.notification && message.notification.kind === "tip_received") refresh();
    };
    me.handlers.snapshot = function (message) {
      if (snapshot) snapshot(message);
      // A snapshot after the first means the socket reconnected: a tip may have been missed.
      if (snapshots++ > 0) refresh();
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tipForm = document.querySelector("[data-tip-form]");
    if (tipForm) setUpTipForm(tipForm);
    var supporterForm = document.querySelector("[data-supporter-form]");
    if (supporterForm) setUpSupporterForm(supporterForm);
  });

  // The site's socket is opened on DOMContentLoaded (encore.js); "load" comes after it.
  window.addEventListener("load", function () {
    if (document.querySelector("[data-revenue]")) watchTips();
  });
})();
