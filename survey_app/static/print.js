// The only script: a print button, shown only when this script runs (Ctrl+P works without it).
document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
