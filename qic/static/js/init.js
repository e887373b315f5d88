// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the CSP needs no exceptions.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
