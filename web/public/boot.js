// Starts the portal's WASM, which hydrates the server-rendered page.
import init from "/assets/wasm/portal.js";
init({ module_or_path: "/assets/wasm/portal_bg.wasm" });
