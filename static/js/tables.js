/* Lists on a phone: each cell of a table.table carries its column's heading (data-label), which the
   stylesheet shows beside the value when the rows are stacked as cards (max-width 640px). Cells that
   already have a data-label keep it; a table without a header is left alone. */
(function () {
  "use strict";
  document.querySelectorAll("table.table").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!headings.length) return;
    table.classList.add("stackable");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && headings[column]) cell.setAttribute("data-label", headings[column]);
        column += cell.colSpan || 1;
      });
    });
  });
})();

/* A form sent back with errors opens at its summary of them (the page reloads at the top, and on a phone
   the first error can be thousands of pixels below): focused, so it is read out and in view. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
})();

/* Actions that cannot be taken back (withdrawing a plan, approving or rejecting it) ask first: a button with
   data-confirm submits only when the user confirms its question. */
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest && event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});

/* The filing form's other departments' matters: typing filters them by name. */
document.querySelectorAll(".matter-search").forEach(function (input) {
  "use strict";
  var box = input.closest("details");
  input.addEventListener("input", function () {
    var query = input.value.trim();
    box.querySelectorAll(".matter-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("label.matter").forEach(function (label) {
        var match = !query || label.textContent.indexOf(query) !== -1;
        label.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0;
    });
  });
});
