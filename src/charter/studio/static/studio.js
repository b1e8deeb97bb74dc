// Charter studio: keyboard shortcuts for the review queue, and a warning before leaving an
// edited spec unsaved. No page text is ever written as HTML here.
"use strict";

function typing(target) {
  const tag = target && target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

function reviewShortcuts() {
  const form = document.getElementById("verdict-form");
  if (!form) {
    return;
  }
  const reason = document.getElementById("reason");
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target)) {
      return;
    }
    const choice = form.querySelector('input[data-key="' + event.key.toLowerCase() + '"]');
    if (choice) {
      event.preventDefault();
      choice.checked = true;
      reason.focus();
    }
  });
  form.addEventListener("submit", (event) => {
    if (!form.querySelector('input[name="verdict"]:checked')) {
      event.preventDefault();
      form.querySelector('input[name="verdict"]').focus();
    }
  });
}

function unsavedWarning() {
  for (const area of document.querySelectorAll("textarea.source-editor:not([readonly])")) {
    const original = area.value;
    let leaving = false;
    area.form.addEventListener("submit", () => {
      leaving = true;
    });
    window.addEventListener("beforeunload", (event) => {
      if (!leaving && area.value !== original) {
        event.preventDefault();
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  reviewShortcuts();
  unsavedWarning();
});
