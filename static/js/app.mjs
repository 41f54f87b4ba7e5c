// Starts GOV.UK Frontend's components and keeps htmx-updated regions working.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// Content swapped in by htmx may hold components that need starting, and focus should move
// to a region that asks for it (an error summary, or a heading marked data-focus-after-swap).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  initAll({ scope: target });
  const focusable = target.querySelector("[data-focus-after-swap], .govuk-error-summary");
  if (focusable) {
    if (!focusable.hasAttribute("tabindex")) {
      focusable.setAttribute("tabindex", "-1");
    }
    focusable.focus();
  }
});
