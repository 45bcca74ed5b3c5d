// Long lists of checkboxes (countries, organisations, languages: macros.html `field`): a box above
// the list narrows it as one types, and a line below says what is ticked, since ticked boxes may
// be scrolled out of sight. Without JavaScript the list is still there, in a box that scrolls.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".choice-box[data-filterable]"), function (box) {
    var items = Array.prototype.slice.call(box.querySelectorAll("li"));
    var boxes = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    var search = document.createElement("input");
    search.type = "search";
    search.className = "select-filter";
    search.placeholder = box.getAttribute("data-filterable");
    search.setAttribute("aria-label", box.getAttribute("data-filterable"));
    // Enter in the filter narrows the list; it must not send the form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    var chosen = document.createElement("small");
    chosen.className = "hint select-chosen";
    box.parentNode.insertBefore(search, box);
    box.parentNode.insertBefore(chosen, box.nextSibling);

    function narrow() {
      var words = search.value.trim().toLowerCase();
      items.forEach(function (item) {
        item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
      });
    }
    function summarise() {
      var names = boxes.filter(function (b) { return b.checked; })
        .map(function (b) { return b.parentNode.textContent.trim(); });
      chosen.textContent = names.length ? box.getAttribute("data-chosen") + " " + names.join(", ") : "";
    }
    search.addEventListener("input", narrow);
    box.addEventListener("change", summarise);
    summarise();
  });
})();
