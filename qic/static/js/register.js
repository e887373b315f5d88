// Taking a register: says how many are ticked absent, and so how many will be marked present, as
// boxes are ticked (a polite live region beside the Save button). Listens on the document, so a
// list htmx draws later is counted too. Kept in a file (not inline) so the CSP needs no exceptions.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.name !== "absent" || !box.form) return;
  const status = box.form.querySelector("[data-register-count]");
  if (!status) return;
  const boxes = Array.from(box.form.querySelectorAll('input[name="absent"]'));
  const absent = boxes.filter((each) => each.checked).length;
  status.textContent = `${absent} absent, ${boxes.length - absent} present`;
});
