// The section list offers only the sections of the programme chosen above it.
(function () {
  "use strict";
  var programme = document.getElementById("programme_id");
  var section = document.getElementById("section_id");
  if (!programme || !section) { return; }

  function narrow() {
    Array.prototype.forEach.call(section.options, function (option) {
      var owner = option.getAttribute("data-programme");
      option.hidden = owner !== null && owner !== programme.value;
    });
    var chosen = section.options[section.selectedIndex];
    if (chosen && chosen.hidden) { section.selectedIndex = 0; }
  }

  programme.addEventListener("change", narrow);
  narrow();
})();
