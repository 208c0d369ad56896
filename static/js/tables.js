/* A wide table scrolls inside its own region, never the page (issue 12): every table of the main
   content that is not already in one is wrapped in a labelled, focusable region, named after its
   caption (or the heading before it), so a keyboard or screen-reader user can reach and scroll it. */
(function () {
  "use strict";
  function label(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var node = table;
    while (node && node !== document.body) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) return previous.textContent.trim();
        var inner = previous.querySelector && previous.querySelector("h1, h2, h3, h4, h5, h6");
        if (inner) return inner.textContent.trim();
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }
  function wrap() {
    document.documentElement.classList.add("js");
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-scroll")) return;
      var region = document.createElement("div");
      region.className = "table-scroll";
      region.setAttribute("role", "region");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", label(table));
      var outer = table.closest(".table-responsive") || table;
      outer.parentNode.insertBefore(region, outer);
      region.appendChild(outer);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wrap);
  else wrap();
})();
