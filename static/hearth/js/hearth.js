// Hearth's small amount of behaviour, loaded as a static file (no inline script under the CSP).
(function () {
  "use strict";

  // Pupil search: arrow keys move through results, Enter opens, Escape closes.
  function setupSearch(form) {
    var input = form.querySelector("input[type=search]");
    var box = form.querySelector("[role=listbox]");
    if (!input || !box) return;
    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }
    function select(index) {
      var opts = options();
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (opts[index]) { input.setAttribute("aria-activedescendant", opts[index].id); }
    }
    function current() { return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; }); }
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target !== box) return;
      var has = options().length > 0;
      input.setAttribute("aria-expanded", has ? "true" : "false");
      if (has) select(0);
    });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (!opts.length) return;
      var i = current();
      if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(i + 1, opts.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(i - 1, 0)); }
      else if (e.key === "Enter" && i >= 0) { e.preventDefault(); window.location.href = opts[i].href; }
      else if (e.key === "Escape") { box.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    });
  }

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
  });
})();
