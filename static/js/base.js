// Behaviour every page shares, kept out of the templates: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // A <select data-autosubmit> (the language switch) submits its form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <a data-back> goes back one page (error pages).
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  });
  // <button data-print> prints the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
