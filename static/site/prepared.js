// A download being prepared: ask the server how far it is every two seconds and show it;
// when the file is ready, show its link and say so. Without this script, "Check again"
// reloads the page.
(function () {
  "use strict";
  var section = document.getElementById("prepared");
  if (!section || section.dataset.status === "ready" || section.dataset.status === "failed") return;
  var status = document.getElementById("prepared-status");
  var bar = document.getElementById("prepared-progress");
  var refresh = document.getElementById("prepared-refresh");
  var ready = document.getElementById("prepared-ready");
  var announced = -25;

  function poll() {
    fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        if (bar) bar.value = data.percent;
        if (data.status === "ready") {
          status.textContent = data.status_text;
          if (bar) bar.closest("section").querySelector("label[for=prepared-progress]").hidden = true;
          if (bar) bar.hidden = true;
          if (refresh) refresh.hidden = true;
          ready.hidden = false;
          document.getElementById("prepared-link").focus();
          return;
        }
        if (data.status === "failed") {
          window.location.reload();
          return;
        }
        // The live region speaks at most every quarter of the way, not every poll.
        if (data.percent - announced >= 25) {
          status.textContent = data.status_text + " — " + data.progress_text;
          announced = data.percent;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (refresh) refresh.hidden = true;
  window.setTimeout(poll, 1000);
})();
