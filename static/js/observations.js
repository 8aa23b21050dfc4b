// Floor observation form: the server keeps the draft (htmx autosave); when the connection drops
// the form says so and saves again as soon as the phone is back online. Nothing is lost: the
// entries stay in the page until then.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("observation-form");
  const status = document.getElementById("autosave-status");
  if (!form || !status) return;
  let pending = false;
  const offline = () => {
    pending = true;
    status.textContent = status.dataset.offline;
    status.classList.add("is-offline");
  };
  document.body.addEventListener("htmx:sendError", offline);
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) {
      pending = false;
      status.classList.remove("is-offline");
    }
  });
  window.addEventListener("online", () => {
    if (pending && window.htmx) window.htmx.trigger(form, "change");
  });
});
