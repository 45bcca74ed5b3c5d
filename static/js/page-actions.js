// Small behaviours of every page, kept out of the HTML so that the Content-Security-Policy can
// refuse inline scripts:
// - a form with data-confirm asks before it is sent ("Withdraw from this event?");
// - a checkbox with data-tick-all ticks or unticks the boxes of its form named by its value;
// - a button with data-print prints the page (the yearly calendar);
// - a read-only field with data-select-on-focus selects its text (a feed address to copy);
// - a wide table's scrolling region (.table-scroll) that its template left unnamed becomes a
//   region reached with the keyboard, named by the table's caption or the heading before it.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("input[data-tick-all]")) return;
  for (const other of box.form.querySelectorAll(`input[name="${box.dataset.tickAll}"]`)) {
    other.checked = box.checked;
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field.matches && field.matches("input[data-select-on-focus]")) field.select();
});

let regionCount = 0;
for (const region of document.querySelectorAll(".table-scroll:not([role])")) {
  region.setAttribute("role", "region");
  region.tabIndex = 0;
  if (region.hasAttribute("aria-label") || region.hasAttribute("aria-labelledby")) continue;
  let name = region.querySelector("caption");
  for (let el = region.previousElementSibling; !name && el; el = el.previousElementSibling) {
    if (/^H[1-6]$/.test(el.tagName)) name = el;
  }
  name = name || document.querySelector("h1");
  if (!name) continue;
  if (!name.id) name.id = `table-name-${++regionCount}`;
  region.setAttribute("aria-labelledby", name.id);
}
