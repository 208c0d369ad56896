// Live Markdown preview under each Markdown field of the site's admin screens.
// The HTML comes from the server (rendered and sanitised exactly as on the public site).
(function () {
  "use strict";
  var url = "/gestion/site/apercu/";
  var prefix = document.documentElement.lang === "en" ? "/en" : "";
  var names = ["body_fr", "body_en", "description_fr", "description_en", "bio_fr", "bio_en"];

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    var box = document.createElement("div");
    box.className = "events-live-preview";
    box.setAttribute("aria-live", "polite");
    box.setAttribute("aria-label", "Aperçu");
    textarea.parentNode.appendChild(box);
    var timer = null;
    function refresh() {
      var body = new URLSearchParams();
      body.append("text", textarea.value);
      fetch(prefix + url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        body: body,
        credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { box.innerHTML = html; });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    names.forEach(function (name) {
      var textarea = document.querySelector("textarea[name=" + name + "]");
      if (textarea) { attach(textarea); }
    });
  });
})();
