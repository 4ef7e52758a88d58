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

  function postJSON(url, data, form) {
    return fetch(url, {
      method: "POST",
      body: JSON.stringify(data),
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
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
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { status: "pending" }; })
        .catch(function () { return { status: "pending" }; })
        .then(function (tip) {
          if (tip.status === "succeeded") {
            attemptKey = null;
            finish("Thank you! Your tip reached " + form.dataset.artist + ".", false);
          } else if (tip.status === "failed") {
            attemptKey = null;
            finish("The payment didn't go through" + (tip.failure_message ? ": " + tip.failure_message : ".") + " Nothing was charged.", true);
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
      if (!attemptKey) attemptKey = newKey();
      say(status, "Starting your tip…", false);
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { Accept: "application/json", "Idempotency-Key": attemptKey, "X-CSRFToken": csrfToken(form) },
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return { ok: response.ok, status: response.status, body: body };
          });
        })
        .then(function (answer) {
          if (!answer.ok) {
            showErrors(answer.body);
            // Bad input changes the form anyway; an outage keeps the key so a retry is the same tip.
            if (answer.status === 400 || answer.status === 409) attemptKey = null;
            finish("", false);
            return;
          }
          var tip = answer.body;
          if (tip.status !== "pending") { poll(tip.status_url, 0); return; }
          say(status, "Confirming with your bank…", false);
          return confirmCard(payment, tip.confirm_url, tip.client_secret, form).then(function (result) {
            if (result.error) {
              attemptKey = null;
              errorsInto(cardErrors, [result.error.message || "Your card was not charged."]);
              finish("Your card was not charged.", true);
              return;
            }
            say(status, "Thank you — waiting for confirmation", false);
            poll(tip.status_url, POLL_TRIES);
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
