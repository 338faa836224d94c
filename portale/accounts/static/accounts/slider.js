// Registration step 1: the slider check. It works without this script (the server checks
// that the cursor reached the right end); the script only shows the state as it changes.
(function () {
  var input = document.getElementById("id_slider");
  if (!input) return;
  var box = document.getElementById("slider-box");
  var status = document.getElementById("slider-status");
  function update() {
    var done = Number(input.value) >= Number(input.max || 100);
    box.classList.toggle("is-done", done);
    input.setAttribute("aria-valuetext", done ? "Verifica completata" : input.value + " per cento");
    if (status) status.textContent = done ? "Verifica completata: clicca su AVANTI" : "";
  }
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
})();
