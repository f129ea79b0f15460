/* Small enhancements only: every page works without this file. */
(function () {
  "use strict";

  /* Quick exit (GOV.UK "Exit this page"): the button, or Shift pressed three
     times within five seconds, blanks the page at once and replaces it in
     the history with a neutral site, so Back does not return here. */
  var exit = document.getElementById("quick-exit");
  if (exit) {
    var leave = function (event) {
      if (event) {
        event.preventDefault();
      }
      document.title = "";
      document.body.textContent = "";
      document.body.className = "exited";
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var presses = [];
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") {
        presses = [];
        return;
      }
      if (event.repeat) {
        return;
      }
      var now = Date.now();
      presses = presses.filter(function (time) { return now - time < 5000; });
      presses.push(now);
      if (presses.length >= 3) {
        leave();
      }
    });
  }

  /* "Copy link" buttons copy the page's address. */
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = button.getAttribute("data-copied");
      navigator.clipboard.writeText(window.location.href).then(function () {
        button.textContent = done;
      });
    });
  });

  /* "Print" buttons. */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
