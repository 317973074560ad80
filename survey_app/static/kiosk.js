/* Kiosk mode at unstaffed post offices: after a pause, warn, then return to the start. */
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-kiosk-home");
  if (!home) return;
  var idleSeconds = Number(body.getAttribute("data-kiosk-idle") || "120");
  var warnSeconds = Number(body.getAttribute("data-kiosk-warn") || "30");
  var dialog = document.getElementById("kiosk-warning");
  var counter = document.getElementById("kiosk-countdown");
  var stay = document.getElementById("kiosk-stay");
  var idleTimer = null, tickTimer = null, left = warnSeconds;
  function reset() {
    window.clearTimeout(idleTimer); window.clearInterval(tickTimer);
    if (dialog) dialog.hidden = true;
    idleTimer = window.setTimeout(warn, idleSeconds * 1000);
  }
  function warn() {
    left = warnSeconds;
    if (dialog) { dialog.hidden = false; if (stay) stay.focus(); }
    if (counter) counter.textContent = String(left);
    tickTimer = window.setInterval(function () {
      left -= 1;
      if (counter) counter.textContent = String(left);
      if (left <= 0) { window.clearInterval(tickTimer); window.location.assign(home); }
    }, 1000);
  }
  ["click", "keydown", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, function () { if (!dialog || dialog.hidden) reset(); }, { passive: true });
  });
  if (stay) stay.addEventListener("click", reset);
  var after = body.getAttribute("data-kiosk-reset");  // the thank-you page: back to the start for the next customer
  if (after) { window.setTimeout(function () { window.location.assign(home); }, Number(after) * 1000); return; }
  reset();
})();
