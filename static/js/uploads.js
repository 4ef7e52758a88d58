// Upload forms: a real progress bar while the file travels (HTMX reports the request's
// progress events); the list of uploads refreshes itself when processing finishes.
(function () {
  "use strict";

  function progressOf(form) {
    return form.querySelector("[data-upload-progress]");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-form]");
    if (!form || event.target !== form) return;
    var box = progressOf(form);
    if (!box) return;
    box.hidden = false;
    box.querySelector("progress").value = 0;
    box.querySelector("[data-upload-percent]").textContent = "0%";
    form.querySelector("button[type=submit]").disabled = true;
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-form]");
    if (!form || !event.detail.lengthComputable) return;
    var box = progressOf(form);
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    box.querySelector("progress").value = percent;
    box.querySelector("[data-upload-percent]").textContent =
      percent < 100 ? percent + "%" : "Checking the file…";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-form]");
    if (!form || !document.body.contains(form)) return;
    // A failed request keeps the form (a swapped-in form is fresh anyway).
    form.querySelector("button[type=submit]").disabled = false;
    var box = progressOf(form);
    if (box && !event.detail.successful) {
      box.querySelector("[data-upload-percent]").textContent = "The upload did not go through. Try again.";
    }
  });
})();
