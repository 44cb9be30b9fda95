/* The load gate of the workbench pages: holdLoad() keeps the page's load event from firing
 * until the returned release() is called (15 s at most), so that a headless
 * `chromium --screenshot` shows the page once it is ready. An open document in a hidden
 * iframe holds the load event; closing it lets it go. */
function holdLoad() {
  "use strict";
  var gate = document.createElement("iframe");
  gate.hidden = true;
  document.body.appendChild(gate);
  gate.contentDocument.open();
  gate.contentDocument.write("<p>");
  var open = true;
  function release() { if (open) { open = false; gate.contentDocument.close(); } }
  setTimeout(release, 15000);
  return release;
}
