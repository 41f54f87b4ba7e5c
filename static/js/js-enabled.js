// Runs at the top of <body> (not inline, so the CSP can forbid inline script).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
