// Keyboard shortcuts and lease renewal for the review desk.
// Served from our own origin (the CSP allows no inline script).
(function () {
  "use strict";

  var VERDICT_KEYS = { a: "approve", r: "reject", e: "escalate" };

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function submit(form, button) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button || undefined);
    } else if (button) {
      button.click();
    } else {
      form.submit();
    }
  }

  function chooseVerdict(verdict) {
    var form = document.getElementById("decision-form");
    if (!form) return false;
    var reason = form.querySelector("#reason");
    var button = form.querySelector('button[value="' + verdict + '"]');
    if (!reason || !button) return false;
    form.dataset.chosen = verdict;
    var buttons = form.querySelectorAll("button[name=decision]");
    for (var i = 0; i < buttons.length; i++) buttons[i].classList.toggle("chosen", buttons[i] === button);
    if (reason.value.trim() === "") {
      // A decision needs a reason: wait for it, then Ctrl+Enter submits the chosen verdict.
      reason.focus();
      var hint = document.getElementById("shortcut-hint");
      if (hint) hint.textContent = "Type a reason, then press Ctrl+Enter to " + verdict + ".";
      return true;
    }
    submit(form, button);
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target && target.id === "reason") {
      var form = document.getElementById("decision-form");
      var chosen = form && form.dataset.chosen;
      if (chosen && target.value.trim() !== "") {
        event.preventDefault();
        submit(form, form.querySelector('button[value="' + chosen + '"]'));
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(target)) {
      if (event.key === "Escape" && isTyping(target)) target.blur();
      return;
    }
    if (event.key === "j" || event.key === "n") {
      var next = document.getElementById("next-form");
      if (next) {
        event.preventDefault();
        submit(next, null);
      }
      return;
    }
    var verdict = VERDICT_KEYS[event.key];
    if (verdict && chooseVerdict(verdict)) event.preventDefault();
  });

  // Renew the lease while the reviewer is active on the page; an idle tab lets it lapse.
  var item = document.getElementById("item");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (item && meta && item.dataset.lease === "held") {
    var seconds = Number(item.dataset.heartbeatSeconds) || 60;
    var lastActive = Date.now();
    var touch = function () { lastActive = Date.now(); };
    ["keydown", "mousemove", "scroll", "click"].forEach(function (name) {
      document.addEventListener(name, touch, { passive: true });
    });
    window.setInterval(function () {
      if (Date.now() - lastActive > 3 * seconds * 1000) return;
      window.fetch("/api/items/" + encodeURIComponent(item.dataset.itemId) + "/heartbeat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": meta.getAttribute("content") },
      });
    }, seconds * 1000);
  }
})();
