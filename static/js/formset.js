// "Add another row" for Django formsets, without inline scripts (CSP-friendly).
// Markup: a container [data-formset-rows] with [data-formset-row] children, a <template
// data-formset-template> holding the empty form (prefix "__prefix__", row number "__number__"),
// and a button [data-formset-add data-formset-prefix data-formset-max].
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    const fieldset = button.closest("fieldset") || document;
    const rows = fieldset.querySelector("[data-formset-rows]");
    const template = fieldset.querySelector("template[data-formset-template]");
    const prefix = button.dataset.formsetPrefix;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const status = fieldset.querySelector("[data-formset-status]");
    const max = parseInt(button.dataset.formsetMax || "1000", 10);
    if (!rows || !template || !total) return;
    const update = () => { button.hidden = parseInt(total.value, 10) >= max; };
    update();
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      if (index >= max) return;
      const html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const added = rows.lastElementChild;
      const first = added && added.querySelector("input, select, textarea");
      if (first) first.focus();
      if (status && added) {
        const title = added.querySelector(".row-title");
        status.textContent = title ? title.textContent.trim() : "";
      }
      update();
    });
  });
});
