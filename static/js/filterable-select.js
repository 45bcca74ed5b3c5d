// Long multiple choices (countries, organisations): a box above the list narrows it as one types,
// and a line below says what is chosen, so nobody has to scroll through 250 countries.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("select[data-filterable]"), function (select) {
    var search = document.createElement("input");
    search.type = "search";
    search.className = "select-filter";
    search.placeholder = select.getAttribute("data-filterable");
    search.setAttribute("aria-label", select.getAttribute("data-filterable"));
    var chosen = document.createElement("small");
    chosen.className = "hint select-chosen";
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(chosen, select.nextSibling);

    function narrow() {
      var words = search.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = words !== "" && option.text.toLowerCase().indexOf(words) === -1;
      });
    }
    function summarise() {
      var names = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.text; });
      chosen.textContent = names.length ? select.getAttribute("data-chosen") + " " + names.join(", ") : "";
    }
    search.addEventListener("input", narrow);
    select.addEventListener("change", summarise);
    summarise();
  });
})();
