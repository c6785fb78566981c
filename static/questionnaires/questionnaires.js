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
  // A slider nobody has touched yet sends nothing, so an unanswered question is
  // not stored as the slider's starting point. (Without JavaScript the browser
  // sends the starting value; the form shows it as the answer.)
  function holdUntouched(root) {
    var inputs = (root || document).querySelectorAll("input[type=range][data-q-unanswered]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (!input.name) return;
      input.dataset.qName = input.name;
      input.removeAttribute("name");
      var output = document.getElementById(input.id + "_output");
      if (output) output.textContent = input.dataset.qUnanswered;
      input.setAttribute("aria-valuetext", input.dataset.qUnanswered);
    });
  }
  function claim(event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "range" || !input.dataset.qName) return;
    input.name = input.dataset.qName;
    delete input.dataset.qName;
    input.removeAttribute("data-q-unanswered");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("pointerdown", claim);
  document.addEventListener("keydown", function (event) {
    if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"].indexOf(event.key) >= 0) claim(event);
  });
  document.addEventListener("DOMContentLoaded", function () { holdUntouched(document); });
  document.addEventListener("htmx:load", function (event) { holdUntouched(event.target); });
  // A change to a question others depend on asks the server which questions apply now.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("[data-q-trigger]")) return;
    var form = target.closest("form[data-q-live]");
    if (form && window.htmx) window.htmx.trigger(form, "q-refresh");
  });
})();
