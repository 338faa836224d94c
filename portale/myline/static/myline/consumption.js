// "ESPANDI TUTTI" / "CHIUDI TUTTI" (F-9.2.2.2): open or close every option's details.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-details-toggle]");
  if (!button) return;
  const box = document.getElementById(button.getAttribute("aria-controls"));
  if (!box) return;
  const open = button.dataset.detailsToggle === "open";
  box.querySelectorAll("details").forEach((d) => { d.open = open; });
});
