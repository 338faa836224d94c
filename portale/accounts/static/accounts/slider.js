// Registration step 1: the slider check. It works without this script (the server checks
// that the cursor reached the right end); the script only shows the state as it changes.
// After a refused submit the server's error sits under the slider: once the cursor reaches
// the end that error is stale, so it is hidden (and shown again if the cursor moves back).
(function () {
  var input = document.getElementById("id_slider");
  if (!input) return;
  var box = document.getElementById("slider-box");
  var status = document.getElementById("slider-status");
  var error = document.getElementById(input.id + "_error");
  function update() {
    var done = Number(input.value) >= Number(input.max || 100);
    box.classList.toggle("is-done", done);
    input.setAttribute("aria-valuetext", done ? "Verifica completata" : input.value + " per cento");
    if (status) status.textContent = done ? "Verifica completata: clicca su AVANTI" : "";
    if (error) {
      error.hidden = done;
      error.classList.toggle("d-block", !done);
      input.classList.toggle("is-invalid", !done);
      if (done) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      } else {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", error.id);
      }
    }
  }
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
})();
