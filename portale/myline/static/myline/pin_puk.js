// "Promemoria PIN/PUK" (F-9.1.1, G-42): the codes are kept only in this browser's
// localStorage, keyed by ICCID. The form has no action: SALVA never sends anything.
(() => {
  const form = document.getElementById("pin-puk");
  if (!form) return;
  const key = `portale.pinpuk.${form.dataset.iccid}`;
  const fields = { pin: "pp-pin", puk1: "pp-puk1", puk2: "pp-puk2" };
  const status = document.getElementById("pp-status");
  let saved = {};
  try {
    saved = JSON.parse(window.localStorage.getItem(key) || "{}");
  } catch (e) {
    saved = {};
  }
  Object.entries(fields).forEach(([name, id]) => {
    document.getElementById(id).value = saved[name] || "";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let ok = true;
    const values = {};
    Object.entries(fields).forEach(([name, id]) => {
      const input = document.getElementById(id);
      const value = input.value.trim();
      const valid = value === "" || new RegExp(`^${input.getAttribute("pattern")}$`).test(value);
      input.classList.toggle("is-invalid", !valid);
      input.setAttribute("aria-invalid", valid ? "false" : "true");
      ok = ok && valid;
      values[name] = value;
    });
    if (!ok) {
      status.textContent = form.dataset.msgInvalid;
      return;
    }
    window.localStorage.setItem(key, JSON.stringify(values));
    status.textContent = form.dataset.msgSaved;
  });
})();
