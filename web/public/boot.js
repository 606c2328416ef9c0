// Starts the portal's WASM, which hydrates the server-rendered page.
import init from "/assets/wasm/portal.js";

// Progressive enhancement that needs no WASM: a control marked `data-autosubmit` submits its form
// when it changes (the form still has its own button for browsers without JavaScript).
document.addEventListener("change", (e) => {
  const el = e.target;
  if (el instanceof HTMLElement && el.dataset.autosubmit !== undefined && el.form) {
    el.form.requestSubmit();
  }
});

init({ module_or_path: "/assets/wasm/portal_bg.wasm" });
