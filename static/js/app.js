// Site-wide behaviour without inline scripts (CSP-friendly).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      menu.classList.toggle("is-open", !open);
    });
  }
  // Navigation groups: one open at a time; a click elsewhere or Escape closes them.
  const groups = [...document.querySelectorAll("details.nav-group")];
  groups.forEach((group) => {
    group.addEventListener("toggle", () => {
      if (group.open) groups.forEach((other) => { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", (event) => {
    groups.forEach((group) => { if (group.open && !group.contains(event.target)) group.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    groups.forEach((group) => {
      if (group.open) {
        group.open = false;
        group.querySelector("summary").focus();
      }
    });
  });
});

// Progress feedback while the server works: forms and download links with `data-busy` show
// their text in the #busy-status live region; a busy form is not submitted twice.
(() => {
  const announce = (text) => {
    const status = document.getElementById("busy-status");
    if (status && text) {
      status.textContent = text;
      status.classList.add("is-visible");
    }
  };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.hasAttribute("data-busy")) return;
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    const button = event.submitter || form.querySelector("[type=submit]");
    if (button) button.setAttribute("aria-busy", "true");
    announce(form.dataset.busy);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-busy]");
    if (link) announce(link.dataset.busy);
  });
  // Coming back with the browser's back button shows the page as it was: reset the busy state.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-submitting]").forEach((form) => {
      delete form.dataset.submitting;
    });
    document.querySelectorAll("[aria-busy=true]").forEach((el) => el.removeAttribute("aria-busy"));
    const status = document.getElementById("busy-status");
    if (status) status.classList.remove("is-visible");
  });
})();

// A quiz with a time limit: a live countdown; a few seconds before the deadline the answers are
// submitted so they still count.
(() => {
  const timer = document.querySelector(".quiz-countdown[data-deadline]");
  if (!timer) return;
  const deadline = Date.parse(timer.dataset.deadline);
  if (Number.isNaN(deadline)) return;
  const form = timer.closest("main").querySelector("form.quiz-form");
  let submitted = false;
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    timer.textContent = `${timer.dataset.label} ${minutes}:${seconds}`;
    if (left <= 60) timer.classList.add("is-urgent");
    if (left === 60) timer.setAttribute("aria-live", "polite");
    if (left <= 3 && form && !submitted) {
      submitted = true;
      timer.textContent = timer.dataset.ended;
      const button = form.querySelector("#submit-quiz");
      if (form.requestSubmit) form.requestSubmit(button || undefined);
      else form.submit();
      return;
    }
    window.setTimeout(tick, 1000);
  };
  tick();
})();

// "Print this page" buttons (the transparency page).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
