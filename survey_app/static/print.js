// The only script: a print button. Pages work without it (Ctrl+P prints as well).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
