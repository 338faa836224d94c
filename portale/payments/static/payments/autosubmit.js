// The sandbox PSP's return to the merchant: the signed result is POSTed back at once (the
// button stays for browsers without JavaScript).
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
