// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the CSP needs no exceptions.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
// A "Print" button (on a sheet of sign-in codes) shows only when scripts run, and prints the page.
document.querySelectorAll("[data-qic-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
