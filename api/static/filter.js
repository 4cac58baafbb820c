// Filters the items of a page (tasks, units, platforms) as the user types; no network.
(function () {
  "use strict";
  var input = document.getElementById("filter");
  if (!input) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filterable] [data-text]"));
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase();
    items.forEach(function (item) {
      var text = (item.getAttribute("data-text") || item.textContent).toLowerCase();
      item.hidden = needle !== "" && text.indexOf(needle) < 0;
    });
    document.querySelectorAll("[data-filterable] section.chapter").forEach(function (section) {
      var visible = section.querySelectorAll("[data-text]:not([hidden])").length;
      section.hidden = needle !== "" && visible === 0;
    });
  });
})();
