// Optional enhancements of questionnaire forms; everything works without them.
(function () {
  "use strict";
  // A slider shows the chosen answer as text next to it.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "range") return;
    var output = document.getElementById(input.id + "_output");
    if (!output) return;
    var text = input.value;
    if (input.dataset.qLabels) {
      try { text = JSON.parse(input.dataset.qLabels)[Number(input.value)] || text; } catch (e) { /* keep the number */ }
    }
    output.textContent = text;
    input.setAttribute("aria-valuetext", text);
  });
  // A change to a question others depend on asks the server which questions apply now.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("[data-q-trigger]")) return;
    var form = target.closest("form[data-q-live]");
    if (form && window.htmx) window.htmx.trigger(form, "q-refresh");
  });
})();
