// Saves the "Log a concern" form to the server as the member of staff types, so an unfinished
// concern survives a session timeout or a reload. Files are never sent with a draft.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft-url]");
    if (!form) return;
    var status = document.getElementById("draft-status");
    var timer = null;
    function save() {
      var data = new FormData(form);
      data.delete("attachment");
      fetch(form.getAttribute("data-draft-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
      }).then(function (response) {
        if (status) status.textContent = response.ok ? "Draft saved." : "Draft not saved: you may have been signed out. Copy your text before reloading.";
      }).catch(function () {
        if (status) status.textContent = "Draft not saved (no connection).";
      });
    }
    form.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 1500);
    });
  });
})();
