// Site-wide behaviour: the signed-in user's live notifications.
(function () {
  "use strict";

  function setUnread(count) {
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    });
  }

  function toast(text, url) {
    var box = document.querySelector("[data-toasts]");
    if (!box) return;
    var item = document.createElement(url ? "a" : "p");
    item.className = "toast";
    item.textContent = text;
    if (url) item.href = url;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  function prepend(notification) {
    var list = document.querySelector("[data-notification-list]");
    if (!list) return;
    var empty = list.querySelector(".empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "notification unread";
    var link = document.createElement(notification.url ? "a" : "span");
    link.textContent = notification.text;
    if (notification.url) link.href = notification.url;
    item.appendChild(link);
    list.insertBefore(item, list.firstChild);
  }

  // The header's menu is a <details>: it works without script; this closes it the way a
  // menu is expected to close (Escape, a click elsewhere) and returns focus on Escape.
  function closeMenus(except) {
    document.querySelectorAll("[data-nav-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest && event.target.closest("[data-nav-menu]"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("[data-nav-menu][open]");
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var path = document.body.dataset.userSocket;
    if (!path || !window.Encore || !window.Encore.LiveSocket) return;
    window.Encore.me = new window.Encore.LiveSocket(path, {
      snapshot: function (message) { setUnread(message.unread_count); },
      "notification.created": function (message) {
        setUnread(message.unread_count);
        toast(message.notification.text, message.notification.url);
        prepend(message.notification);
        if (message.notification.kind.indexOf("media_") === 0) {
          // Pages listing uploads refresh themselves on this (see uploads.js).
          document.dispatchEvent(new CustomEvent("encore:media", { detail: message.notification }));
        }
      },
      "notifications.read": function (message) { setUnread(message.unread_count); },
    });
  });
})();
