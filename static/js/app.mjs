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

// A control in a region htmx is about to replace, to find again once the new content is in.
let focusBeforeSwap = null;

// The same control in new content: the same link, or the same named button or field of the
// same form (htmx itself finds controls that have an id).
function sameControl(old, region) {
  const form = old.form ? old.form.getAttribute("action") : null;
  return [...region.querySelectorAll(old.tagName)].find((candidate) =>
    old.tagName === "A"
      ? candidate.getAttribute("href") === old.getAttribute("href")
      : candidate.name === old.name &&
        candidate.value === old.value &&
        (candidate.form ? candidate.form.getAttribute("action") : null) === form,
  );
}

const textOf = (node) => node.textContent.replace(/\s+/g, " ").trim();

document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, requestConfig, serverResponse } = event.detail;
  // A poll that brings back what is already shown is not swapped: replacing it would take
  // focus from whoever is on a link in it and make screen readers read it all again.
  if (requestConfig && requestConfig.headers["Portal-Poll"] && event.detail.shouldSwap) {
    const fresh = document.createElement("template");
    fresh.innerHTML = serverResponse;
    if (textOf(fresh.content) === textOf(target)) {
      event.detail.shouldSwap = false;
      focusBeforeSwap = null;
      return;
    }
  }
  const active = document.activeElement;
  focusBeforeSwap = active && active !== document.body && target.contains(active) ? active : null;
});

// Parts of a page that refresh themselves can be stopped (WCAG 2.2.2 Pause, Stop, Hide):
// each has a 'Stop updating' button, hidden until now because refreshing needs JavaScript.
// A stopped part makes no more requests until it is started again.
function startLiveUpdateControls(scope) {
  for (const control of scope.querySelectorAll("[data-live-updates]")) {
    const region = document.getElementById(control.dataset.liveUpdates);
    const button = control.querySelector("button");
    if (!region || !button || !control.hidden) {
      continue;
    }
    control.hidden = false;
    const show = () => {
      button.textContent = region.hasAttribute("data-updates-stopped")
        ? button.dataset.startText
        : button.dataset.stopText;
    };
    show();
    button.addEventListener("click", () => {
      region.toggleAttribute("data-updates-stopped");
      show();
    });
  }
}
startLiveUpdateControls(document);

document.addEventListener("htmx:beforeRequest", (event) => {
  const { elt, requestConfig } = event.detail;
  if (requestConfig.headers["Portal-Poll"] && elt.closest("[data-updates-stopped]")) {
    event.preventDefault();
  }
});

// A list narrowed in place by a person's own choice says how many it now shows, in a
// status region outside it, rather than being a live region itself: a live list would be
// read out whole, and again each time it refreshed.
document.addEventListener("htmx:afterSettle", (event) => {
  const { requestConfig, target } = event.detail;
  if (!target || !target.id || (requestConfig && requestConfig.headers["Portal-Poll"])) {
    return;
  }
  const status = document.querySelector(`[data-status-for="${target.id}"]`);
  const summary = target.querySelector("[data-list-summary]");
  if (status && summary) {
    status.textContent = textOf(summary);
  }
});

// Content swapped in by htmx may hold components that need starting, and focus should move
// to a region that asks for it (an error summary, or a heading marked data-focus-after-swap).
// Otherwise a control that had focus and was replaced (by a poll refreshing a list, or a
// register row redrawn after a button in it was pressed) hands focus to its new copy, so
// keyboard users keep their place instead of being sent back to the top of the page.
// htmx fires this on each piece of new content: the target's, or for an outerHTML swap the
// elements that replaced it, and anything swapped out of band.
document.addEventListener("htmx:afterSwap", (event) => {
  const region = event.target;
  initAll({ scope: region });
  startLiveUpdateControls(region);
  const wanted = "[data-focus-after-swap], .govuk-error-summary";
  const focusable = region.matches(wanted) ? region : region.querySelector(wanted);
  if (focusable) {
    if (!focusable.hasAttribute("tabindex")) {
      focusable.setAttribute("tabindex", "-1");
    }
    focusable.focus();
    focusBeforeSwap = null;
  } else if (focusBeforeSwap && !focusBeforeSwap.isConnected) {
    const again = sameControl(focusBeforeSwap, region);
    if (again) {
      again.focus({ preventScroll: true });
      focusBeforeSwap = null;
    }
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
