// Hearth's small amount of behaviour, loaded as a static file (no inline script under the CSP).
(function () {
  "use strict";

  // Pupil search: arrow keys move through results, Enter opens, Escape closes; the number of
  // results is announced in a polite live region; the list closes when focus or a click leaves the
  // search, so it never covers the control that has focus (WCAG 2.4.11).
  function setupSearch(form) {
    var input = form.querySelector("input[type=search]");
    var box = form.querySelector("[role=listbox]");
    var status = form.querySelector("[aria-live]");
    if (!input || !box) return;
    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]:not([aria-disabled=true])")); }
    function select(index) {
      var opts = options();
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
        if (opts[index].scrollIntoView) opts[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function current() { return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; }); }
    function announce(text) { if (status) status.textContent = text; }
    function close() {
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target !== box) return;
      // Focus stays in the input (aria-activedescendant): the options are not Tab stops.
      Array.prototype.forEach.call(box.querySelectorAll("a[href]"), function (a) { a.setAttribute("tabindex", "-1"); });
      var count = options().length;
      var shown = box.querySelectorAll("[role=option]").length > 0;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      if (count) {
        select(0);
        announce(count === 1 ? "1 pupil found." : count + " pupils found.");
      } else {
        input.removeAttribute("aria-activedescendant");
        announce(input.value.trim() ? "No pupils found." : "");
      }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close(); announce(""); return; }
      var opts = options();
      if (!opts.length) return;
      var i = current();
      if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(i + 1, opts.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(i - 1, 0)); }
      else if (e.key === "Enter" && i >= 0) { e.preventDefault(); window.location.href = opts[i].href; }
    });
    function outside(e) { if (!form.contains(e.target)) close(); }
    document.addEventListener("focusin", outside);
    document.addEventListener("pointerdown", outside);
  }

  // Session time-out warning (WCAG 2.2.1 Timing Adjustable). The server ends a session after
  // `data-session-seconds` without a request; `data-warn-seconds` before that, a modal dialog says
  // so and offers "Stay signed in", which makes a request (extending the session) and closes it.
  // Activity in any tab counts: each tab records its last request in localStorage. When the time
  // is up, the page is replaced by the sign-in page, so no record stays on an unattended screen.
  var ACTIVITY_KEY = "hearth:last-request";

  function setupSessionTimeout(dialog) {
    var total = parseInt(dialog.getAttribute("data-session-seconds"), 10) * 1000;
    var warn = parseInt(dialog.getAttribute("data-warn-seconds"), 10) * 1000;
    var countdown = dialog.querySelector("[data-session-countdown]");
    var error = dialog.querySelector("[data-session-error]");
    var extend = dialog.querySelector("[data-session-extend]");
    if (!total || !warn || total <= warn || typeof dialog.showModal !== "function") return;
    var last = Date.now();
    var opener = null;

    function remember(time) {
      last = time;
      try { window.localStorage.setItem(ACTIVITY_KEY, String(time)); } catch (e) { /* private mode */ }
    }
    function latest() {
      var shared = 0;
      try { shared = parseInt(window.localStorage.getItem(ACTIVITY_KEY), 10) || 0; } catch (e) { /* private mode */ }
      return Math.max(last, shared);
    }
    function words(ms) {
      var seconds = Math.max(0, Math.ceil(ms / 1000));
      if (seconds > 60) { var minutes = Math.ceil(seconds / 60); return minutes + " minutes"; }
      return seconds === 1 ? "1 second" : seconds + " seconds";
    }
    function hide() {
      if (!dialog.open) return;
      dialog.close();
      if (opener && document.contains(opener) && opener.focus) opener.focus();
      opener = null;
    }
    function tick() {
      var left = latest() + total - Date.now();
      if (left <= 0) {
        var next = window.location.pathname + window.location.search;
        window.location.href = dialog.getAttribute("data-login-url") + "?next=" + encodeURIComponent(next) + "&expired=1";
        return;
      }
      if (left > warn) { hide(); return; }
      if (countdown) countdown.textContent = words(left);
      if (!dialog.open) {
        opener = document.activeElement;
        if (error) error.hidden = true;
        dialog.showModal();
        if (extend) extend.focus();
      }
    }
    function stay() {
      if (latest() + total <= Date.now()) { tick(); return; }
      window.fetch(dialog.getAttribute("data-keepalive-url"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          remember(Date.now());
          hide();
        })
        .catch(function () { if (error) error.hidden = false; });
    }

    remember(last);
    if (extend) extend.addEventListener("click", stay);
    // Escape means "I am here": keep the session rather than leave the warning unanswered.
    dialog.addEventListener("cancel", function (e) { e.preventDefault(); stay(); });
    document.body.addEventListener("htmx:afterRequest", function () { remember(Date.now()); });
    window.addEventListener("storage", function (e) { if (e.key === ACTIVITY_KEY) tick(); });
    window.setInterval(tick, 1000);
  }

  // The menu: one module's list open at a time; Escape or a click elsewhere closes it.
  function closeMenus(except) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav-group][open]"), function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.matches && e.target.matches("[data-nav-group]") && e.target.open) closeMenus(e.target);
  }, true);
  document.addEventListener("click", function (e) {
    if (!(e.target.closest && e.target.closest("[data-nav-group]"))) closeMenus(null);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("[data-nav-group][open]");
    if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
  });

  // Buttons and links that ask before acting: data-confirm="Are you sure?".
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
  });

  // Selects that submit their form when changed: data-autosubmit.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-autosubmit]")) { e.target.form.submit(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-search]"), setupSearch);
    var dialog = document.getElementById("session-timeout");
    if (dialog) setupSessionTimeout(dialog);
  });
})();
