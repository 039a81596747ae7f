// The coding queue, by keyboard: 1-9 tick a theme, / finds a theme, Enter saves and opens the
// next text, 0 marks "nothing to code", S skips. Selecting part of the text offers "Code the
// selection" next to each theme. Without this script the form works the same, whole texts only.
(function () {
  "use strict";
  var form = document.querySelector("form[data-coding]");
  if (!form) return;
  var status = document.getElementById("coding-status");
  var text = document.getElementById("coding-text");
  var list = document.getElementById("excerpts");
  var filter = document.getElementById("theme-filter");
  var options = Array.prototype.slice.call(form.querySelectorAll(".theme-option"));
  var selectionButtons = form.querySelectorAll(".code-selection");

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function visibleBoxes() {
    return options.filter(function (o) { return !o.hidden; })
      .map(function (o) { return o.querySelector("input[type=checkbox]"); });
  }

  function press(action) {
    var button = form.querySelector('button[name="action"][value="' + action + '"]');
    if (button) button.click();
  }

  filter.hidden = false;
  filter.addEventListener("input", function () {
    var wanted = filter.value.trim().toLowerCase();
    options.forEach(function (option) {
      var name = option.querySelector("input").dataset.themeName.toLowerCase();
      option.hidden = wanted !== "" && name.indexOf(wanted) === -1;
    });
  });
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      // Enter in the finder ticks the first theme it shows, then goes back to the keys.
      event.preventDefault();
      var first = visibleBoxes()[0];
      if (first) {
        first.checked = !first.checked;
        say(first.dataset.themeName + (first.checked ? " ✓" : " ✗"));
      }
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
      filter.blur();
    } else if (event.key === "Escape") {
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
      filter.blur();
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.matches("input[type=search], input[type=text], textarea, select");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[1-9]$/.test(event.key)) {
      var box = visibleBoxes()[Number(event.key) - 1];
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
        say(box.dataset.themeName + (box.checked ? " ✓" : " ✗"));
      }
    } else if (event.key === "0") {
      event.preventDefault();
      press("nothing");
    } else if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      press("skip");
    } else if (event.key === "/") {
      event.preventDefault();
      filter.focus();
    } else if (event.key === "Enter" && !target.matches("button, a, summary")) {
      event.preventDefault();
      press("save");
    }
  });

  // Excerpts: character offsets of the selection within the text.
  function selectedRange() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var end = start + range.toString().length;
    return end > start ? { start: start, end: end, words: range.toString() } : null;
  }

  // Highlights: the coded excerpts (stored ones not ticked for removal, and new ones) are
  // marked in the text. The text is rebuilt from its characters, so offsets never drift.
  var original = text.textContent;
  function paint() {
    var ranges = Array.prototype.slice.call(list.querySelectorAll("li[data-start]"))
      .filter(function (li) {
        var removal = li.querySelector('input[name="remove"]');
        return !(removal && removal.checked);
      })
      .map(function (li) {
        return { start: Number(li.dataset.start), end: Number(li.dataset.end), name: li.dataset.themeName };
      });
    var cuts = [0, original.length];
    ranges.forEach(function (r) { cuts.push(r.start, r.end); });
    cuts = cuts.filter(function (c, i) { return cuts.indexOf(c) === i && c <= original.length; })
      .sort(function (a, b) { return a - b; });
    var fragment = document.createDocumentFragment();
    for (var i = 0; i + 1 < cuts.length; i++) {
      var piece = original.slice(cuts[i], cuts[i + 1]);
      var names = ranges.filter(function (r) { return r.start <= cuts[i] && cuts[i + 1] <= r.end; })
        .map(function (r) { return r.name; });
      if (names.length) {
        var mark = document.createElement("mark");
        mark.title = names.join(", ");
        mark.textContent = piece;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(piece));
      }
    }
    text.textContent = "";
    text.appendChild(fragment);
  }
  list.addEventListener("change", function (event) {
    if (event.target.name === "remove") paint();
  });

  var current = null;
  document.addEventListener("selectionchange", function () {
    current = selectedRange();
    selectionButtons.forEach(function (button) { button.hidden = !current; });
  });

  selectionButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (!current) return;
      var theme = button.dataset.theme;
      var name = form.querySelector("#theme-" + theme).dataset.themeName;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "excerpt";
      input.value = theme + ":" + current.start + ":" + current.end;
      form.appendChild(input);
      var item = document.createElement("li");
      item.dataset.start = current.start;
      item.dataset.end = current.end;
      item.dataset.themeName = name;
      item.textContent = "“" + current.words + "” — " + name + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-link";
      remove.textContent = "×";
      remove.setAttribute("aria-label", name + ": " + current.words);
      remove.addEventListener("click", function () { input.remove(); item.remove(); paint(); });
      item.appendChild(remove);
      list.appendChild(item);
      say(name + ": “" + current.words + "”");
      window.getSelection().removeAllRanges();
      paint();
    });
  });
})();
