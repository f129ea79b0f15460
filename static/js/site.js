/* Small enhancements only: every page works without this file. */
(function () {
  "use strict";

  /* Quick exit (GOV.UK "Exit this page"): the button, or Shift pressed three
     times within five seconds, blanks the page at once and replaces it in
     the history with a neutral site, so Back does not return here. Each
     Shift press is counted on screen and to screen readers. */
  var exit = document.getElementById("quick-exit");
  if (exit) {
    var count = document.querySelector(".quick-exit-count");
    var leave = function (event) {
      if (event) {
        event.preventDefault();
      }
      /* A plain full-screen cover first, then an empty page under it: what
         was on screen is gone before the neutral site starts to load. */
      var cover = document.createElement("div");
      cover.className = "exit-cover";
      document.title = "";
      document.body.textContent = "";
      document.body.appendChild(cover);
      document.body.className = "exited";
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var presses = [];
    var hideCount;
    var say = function (left) {
      if (!count) {
        return;
      }
      count.textContent = left ? count.getAttribute(left === 2 ? "data-two" : "data-one") : "";
      window.clearTimeout(hideCount);
      hideCount = window.setTimeout(function () { count.textContent = ""; }, 5000);
    };
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") {
        presses = [];
        say(0);
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
      } else {
        say(3 - presses.length);
      }
    });
    /* Back into a page left by the exit (a browser's page cache): leave again. */
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && document.body.className === "exited") {
        window.location.replace(exit.href);
      }
    });

    /* Leave less trace: moving around the site replaces the current history
       entry instead of adding one, so that Back after an exit leaves the
       site instead of showing a search. Links to other sites, new tabs,
       downloads, calls and posted forms behave as usual. */
    var here = function (url) {
      return url.origin === window.location.origin;
    };
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link === exit || event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
          link.target || link.hasAttribute("download")) {
        return;
      }
      var url = new URL(link.href, window.location.href);
      if (here(url)) {
        event.preventDefault();
        window.location.replace(url.href);
      }
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.method || "get").toLowerCase() !== "get") {
        return;
      }
      var url = new URL(form.action || window.location.href, window.location.href);
      if (!here(url)) {
        return;
      }
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form, event.submitter));
      url.search = query.toString();
      url.hash = "";
      window.location.replace(url.href);
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
