// Shows, as staff type a date phrase, the window it will be saved as (asks /api/v1/dates/parse).
(function () {
  "use strict";
  var input = document.querySelector("[data-date-preview]");
  if (!input) { return; }
  var year = document.getElementById("year");
  var out = document.getElementById("date-preview");
  var timer = null;
  function show(text, ok) {
    out.textContent = text;
    out.className = "date-preview " + (ok ? "ok" : "bad");
  }

  function preview() {
    var text = input.value.trim();
    if (!text) { out.textContent = ""; out.className = "date-preview"; return; }
    var url = input.getAttribute("data-date-preview") + "?text=" + encodeURIComponent(text) +
      (year && year.value ? "&year=" + encodeURIComponent(year.value) : "");
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { show(res.body.error, false); return; }
        var w = res.body;
        var precision = JSON.parse(out.dataset.precisions)[w.precision] || w.precision;
        show(out.dataset.readAs + " " + w.label + " (" + precision + ")" +
             (w.tentative ? ", " + out.dataset.tentative : ""), true);
      })
      .catch(function () { show("", true); });
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(preview, 250); }
  input.addEventListener("input", schedule);
  if (year) { year.addEventListener("input", schedule); }
  preview();
})();
