/* The evaluation page's addition to autosave.js: the weighted total, as the server computed it after
 * each draft save (applications.views.evaluator.autosave answers "total", empty until every criterion
 * is scored). No inline script (strict CSP); texts from the form's data-msg-* attributes.
 */
(function () {
  "use strict";

  var form = document.getElementById("evaluation-form");
  var total = document.getElementById("weighted-total");
  if (!form || !total) {
    return;
  }
  form.addEventListener("autosave:saved", function (event) {
    var answer = event.detail || {};
    if (Object.prototype.hasOwnProperty.call(answer, "total")) {
      total.textContent = answer.total || form.getAttribute("data-msg-total-none") || "";
    }
  });
})();
