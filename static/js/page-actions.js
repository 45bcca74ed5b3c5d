// Small behaviours of every page, kept out of the HTML so that the Content-Security-Policy can
// refuse inline scripts:
// - a form with data-confirm asks before it is sent ("Withdraw from this event?");
// - a checkbox with data-tick-all ticks or unticks the boxes of its form named by its value (in
//   its own table when it is in one: the agenda's days; boxes may join the form by form="…");
// - a button with data-print prints the page (the yearly calendar);
// - a read-only field with data-select-on-focus selects its text (a feed address to copy);
// - a button with data-copy="<id>" copies that field's text (a new API token) and says so;
// - the event hub's tabs, when they scroll sideways (on a phone), show the page's own tab.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("input[data-tick-all]")) return;
  const within = box.closest("table") || box.form;
  for (const other of box.form.elements) {
    if (other.name === box.dataset.tickAll && within.contains(other)) other.checked = box.checked;
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button[data-copy]");
  const field = button && document.getElementById(button.dataset.copy);
  if (!field) return;
  field.select();
  const said = () => { button.textContent = button.dataset.copied; };
  if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(said, () => {});
  else if (document.execCommand("copy")) said();
});
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field.matches && field.matches("input[data-select-on-focus]")) field.select();
});

document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".event-hub .tabs [aria-current]");
  const bar = current && current.parentElement;
  if (bar && bar.scrollWidth > bar.clientWidth) {
    bar.scrollLeft = current.offsetLeft - (bar.clientWidth - current.offsetWidth) / 2;
  }
});
