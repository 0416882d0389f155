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

  // Help: "?" shows the keys, Esc or the button hides them.
  var help = document.getElementById("help");
  function toggleHelp(show) {
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) {
      var close = document.getElementById("help-close");
      if (close) close.focus();
    }
  }
  var helpOpen = document.getElementById("help-open");
  if (helpOpen) helpOpen.addEventListener("click", function () { toggleHelp(true); });
  var helpClose = document.getElementById("help-close");
  if (helpClose) helpClose.addEventListener("click", function () { toggleHelp(false); });

  // Next / previous highlighted match, across the title and the text.
  var matchIndex = -1;
  function marks() {
    return document.querySelectorAll("h1.article-title mark, #article-text mark");
  }
  function moveMatch(step) {
    var all = marks();
    if (!all.length) return false;
    if (matchIndex >= 0 && matchIndex < all.length) all[matchIndex].classList.remove("current");
    matchIndex = (matchIndex + step + all.length) % all.length;
    var mark = all[matchIndex];
    mark.classList.add("current");
    mark.scrollIntoView({ block: "center" });
    var where = document.getElementById("match-position");
    if (where) where.textContent = "· match " + (matchIndex + 1) + " of " + all.length + " (" + mark.title + ")";
    return true;
  }

  function clickById(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    if (el.tagName === "FORM") submit(el, null); else el.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (help && !help.hidden) {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        toggleHelp(false);
      }
      return;
    }
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
    if (event.key === "?") {
      event.preventDefault();
      toggleHelp(true);
      return;
    }
    if (event.key === "." || event.key === ",") {
      if (moveMatch(event.key === "." ? 1 : -1)) event.preventDefault();
      return;
    }
    if (event.key === "c" && clickById("claim-form")) { event.preventDefault(); return; }
    if (event.key === "d" && clickById("compare-link")) { event.preventDefault(); return; }
    if (event.key === "/") {
      var search = document.getElementById("search");
      if (search) { event.preventDefault(); search.focus(); }
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
