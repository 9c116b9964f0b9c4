// kho web UI: the pages work without this script; it only moves keyboard focus to the first
// error or confirmation so that screen readers and keyboard users land on it.
document.addEventListener("DOMContentLoaded", function () {
  var message = document.querySelector("main [role=alert], main [role=status]");
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
});
