// Starts GOV.UK Frontend's components and keeps htmx-updated regions working.
import { ExitThisPage, initAll } from "../dist/govuk-frontend.min.js";

// Exit this page: GOV.UK's component leaves with `location.href`, which keeps this page in
// the browser's history. Leave with `location.replace` instead, as the only navigation, so
// Back does not bring anyone (or whoever picks up the phone) back here. The page's content
// is hidden and the component's "Exiting page" alert announced, as GOV.UK's does.
ExitThisPage.prototype.exitPage = function leaveWithoutHistory() {
  document.body.classList.add("govuk-exit-this-page-hide-content");
  const overlay = document.createElement("div");
  overlay.className = "govuk-exit-this-page-overlay";
  overlay.setAttribute("role", "alert");
  overlay.textContent = this.i18n.t("activated");
  document.body.appendChild(overlay);
  window.location.replace(this.$button.href);
};

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

// 'Listen to this page' on young people's pages: the browser's own speech synthesis, in
// the page's language. The button stays hidden where the browser cannot speak.
for (const button of document.querySelectorAll("[data-listen]")) {
  if (!("speechSynthesis" in window)) {
    continue;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      return;
    }
    const region = document.querySelector(button.dataset.listen);
    const words = [...region.querySelectorAll("h1, h2, h3, p, li, legend, label")]
      .filter((element) => !element.closest("[hidden], .govuk-visually-hidden"))
      .map((element) => element.innerText.trim())
      .filter(Boolean)
      .join(". ");
    const utterance = new SpeechSynthesisUtterance(words);
    utterance.lang = document.documentElement.lang;
    window.speechSynthesis.speak(utterance);
  });
}
