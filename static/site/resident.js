// Comfort for residents' pages. Every page works without it.
(function () {
  "use strict";

  // A new page starts at its heading (or at the error summary) for screen readers and keyboards.
  function focusStart() {
    var target = document.getElementById("error-summary") || document.querySelector(".page-heading");
    if (target) target.focus({ preventScroll: false });
  }

  // A page restored from the back-forward cache could show a previous resident's answers.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  // Kiosk: go back to the start by itself after a visible countdown, which the person on the
  // page can stop ("Stay on this page"). The line is a role=timer, which screen readers do not
  // announce every second.
  function kioskCountdown() {
    var box = document.querySelector("[data-kiosk-restart]");
    if (!box) return;
    var line = box.querySelector(".kiosk-countdown");
    var stay = box.querySelector(".kiosk-stay");
    var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 15;
    var url = box.getAttribute("data-kiosk-restart");
    var timer = null;
    function tick() {
      line.textContent = line.getAttribute("data-message").replace("{seconds}", seconds);
      if (seconds <= 0) {
        window.location.replace(url);
        return;
      }
      seconds -= 1;
      timer = window.setTimeout(tick, 1000);
    }
    if (stay) {
      stay.hidden = false;
      stay.addEventListener("click", function () {
        window.clearTimeout(timer);
        line.hidden = true;
        stay.hidden = true;
      });
    }
    line.hidden = false;
    tick();
  }

  // Community area: a filter box above the long list; the list itself stays a plain select.
  function areaFilters() {
    document.querySelectorAll("select.area-select").forEach(function (select) {
      var options = Array.prototype.slice.call(select.options);
      var input = document.createElement("input");
      var label = document.createElement("label");
      input.type = "search";
      input.id = select.id + "-filter";
      input.className = "form-control mb-2";
      input.setAttribute("autocomplete", "off");
      label.htmlFor = input.id;
      label.className = "form-text d-block";
      label.textContent = select.getAttribute("data-filter-label") || "";
      select.parentNode.insertBefore(label, select);
      select.parentNode.insertBefore(input, select);
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase();
        var selected = select.value;
        select.innerHTML = "";
        options.forEach(function (option) {
          var keep = !option.value || option.value === selected ||
            !/^\d+$/.test(option.value) || option.text.toLowerCase().indexOf(words) !== -1;
          if (keep) select.appendChild(option);
        });
        select.value = selected;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    areaFilters();
    kioskCountdown();
    focusStart();
  });
})();
