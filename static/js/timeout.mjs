// The warning before a signed-in session ends for lack of activity (WCAG 2.2.1, timing
// adjustable), after GOV.UK's timeout-warning pattern. templates/_timeout_dialog.html holds
// the dialog and says how long the session has left when the page was made.
//
// The server stays the judge of time: before warning, and again when the time is up, the
// page asks it how long is left (the person may be busy in another tab), and asking never
// counts as activity. When the time is up the page goes to sign in, unless it holds writing
// in a form that keeps it: leaving would lose that, so the page stays, and sending the form
// keeps the writing on the server until the person has signed in again.

const dialog = document.querySelector("[data-session-timeout]");
if (dialog && typeof dialog.showModal === "function") {
  watch(dialog);
}

function watch(dialog) {
  const milliseconds = (name) => Number(dialog.dataset[name]) * 1000;
  const idle = milliseconds("idleSeconds");
  const warning = milliseconds("warningSeconds");
  const form = dialog.querySelector("[data-timeout-form]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const signOut = form.querySelector("[formaction]");
  const warningState = dialog.querySelector('[data-timeout-state="warning"]');
  const endedState = dialog.querySelector('[data-timeout-state="signed-out"]');
  const closeButton = endedState.querySelector("[data-timeout-close]");
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "numeric",
    minute: "2-digit",
  });

  let endsAt = Date.now() + milliseconds("endsIn");
  let canExtend = dialog.dataset.canExtend === "true";
  let timer = null;
  let returnFocusTo = null;

  function at(moment, then) {
    clearTimeout(timer);
    timer = setTimeout(then, Math.max(0, moment - Date.now()));
  }

  function untilWarning() {
    at(endsAt - warning, check);
  }

  // What the server says is left: an object, null once the session is over (the server
  // sends a signed-out browser to sign in), or undefined when it cannot be asked.
  async function timeLeft() {
    try {
      const response = await fetch(dialog.dataset.timeLeftUrl, {
        headers: { Accept: "application/json", "Portal-Poll": "true" },
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
      });
      return response.ok ? await response.json() : null;
    } catch {
      return undefined;
    }
  }

  async function check() {
    const left = await timeLeft();
    if (left === null) {
      ended();
      return;
    }
    if (left) {
      endsAt = Date.now() + left.ends_in * 1000;
      canExtend = left.can_extend;
    }
    const remaining = endsAt - Date.now();
    if (remaining <= 0) {
      ended();
    } else if (remaining > warning + 1000) {
      close(); // the person did something, here or in another tab
      untilWarning();
    } else {
      warn();
      at(endsAt, check);
    }
  }

  // Open the dialog in one of its states. Focus moves into it as it opens, and to the new
  // state's button when the state changes (the old one's are hidden), never otherwise.
  function show(state, labelledBy, describedBy, focusOn) {
    const changed = !dialog.open || state.hidden;
    warningState.hidden = state !== warningState;
    endedState.hidden = state !== endedState;
    dialog.setAttribute("aria-labelledby", labelledBy);
    dialog.setAttribute("aria-describedby", describedBy);
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    if (changed) {
      focusOn.focus();
    }
  }

  function close() {
    if (!dialog.open) {
      return;
    }
    dialog.close();
    if (returnFocusTo && returnFocusTo.isConnected && returnFocusTo !== document.body) {
      returnFocusTo.focus();
    }
    returnFocusTo = null;
  }

  function warn() {
    const end = new Date(endsAt);
    for (const time of dialog.querySelectorAll("[data-timeout-at]")) {
      time.textContent = clock.format(end);
      time.dateTime = end.toISOString();
    }
    dialog.querySelector("[data-timeout-extendable]").hidden = !canExtend;
    dialog.querySelector("[data-timeout-final]").hidden = canExtend;
    stay.hidden = !canExtend;
    show(
      warningState,
      "session-timeout-heading",
      "session-timeout-message",
      canExtend ? stay : signOut,
    );
  }

  function holdsWriting() {
    if (dialog.dataset.keepsDrafts !== "true") {
      return false;
    }
    return [...document.querySelectorAll("main form[method=post] textarea")].some((field) =>
      field.value.trim(),
    );
  }

  function ended() {
    clearTimeout(timer);
    if (holdsWriting()) {
      show(
        endedState,
        "session-timeout-ended-heading",
        "session-timeout-ended-message",
        closeButton,
      );
      return;
    }
    const signIn = dialog.dataset.signInUrl;
    if (window.location.pathname === signIn) {
      window.location.assign(window.location.href); // already where signing in happens
      return;
    }
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${signIn}?next=${encodeURIComponent(here)}`);
  }

  async function extend() {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      return; // no connection: the dialog stays, and the person can try again
    }
    if (response.status !== 204) {
      ended();
      return;
    }
    endsAt = Date.now() + idle;
    canExtend = true;
    close();
    untilWarning();
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter !== stay) {
      return; // Sign out: an ordinary form post
    }
    event.preventDefault();
    extend();
  });

  // Escape is the person answering: they are here, so it counts as staying signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!warningState.hidden && canExtend) {
      extend();
    } else {
      close();
    }
  });

  closeButton.addEventListener("click", close);

  // Timers sleep with the device and slow down in hidden tabs: look again on return.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && Date.now() >= endsAt - warning) {
      check();
    }
  });

  untilWarning();
}
