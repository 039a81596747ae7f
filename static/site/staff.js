// Staff pages: keep the session alive while someone types, and keep typed text if it ends anyway.
// Every page works without this script.
//
// Contract with the templates:
//
//   <form method="post" data-autosave="KEY" data-keepalive-url="{% url 'keepalive' %}"
//         data-bound="{% if form.is_bound %}true{% else %}false{% endif %}"
//         data-restored-message="{% translate '...' %}">
//
//   * Keep-alive: typing sends no request, and staff are signed out after STAFF_IDLE_MINUTES
//     without one. On `input` inside a form[data-autosave], this POSTs to data-keepalive-url at
//     most every 4 minutes, with the CSRF token of the form's csrfmiddlewaretoken input.
//   * Autosave: on `input`, the form's text fields (input text/number/date/time, textarea,
//     select; by `name`) are saved in localStorage under "autosave:KEY". KEY names the thing
//     being edited (e.g. "session-12-notes"), so two forms never share an entry.
//   * Restore: on page load, if "autosave:KEY" exists and the form has data-bound="false" (a
//     fresh, unsubmitted form), the saved values are put back and data-restored-message is
//     shown above the form. A bound form (the server re-shows what was posted) is left alone.
//   * Submitting keeps the entry (the save may fail, or the session may have ended).
//   * A page rendered after a successful save includes <div data-autosave-saved="KEY" hidden>
//     </div>; this removes "autosave:KEY".
//
// The entry stays in this browser only. An unexpected sign-out (the idle timeout) keeps it, so
// typed text survives; signing out on purpose (a form[data-signout]) removes every entry, so
// the next person on a shared device finds nothing.
(function () {
  "use strict";

  var KEEPALIVE_EVERY = 4 * 60 * 1000;
  var PREFIX = "autosave:";
  // The page load itself was a request the server saw.
  var lastKeepalive = Date.now();

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: keep-alive still works
    }
  }

  function savedFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled && /^(text|number|date|time|textarea|select-one|select-multiple)$/.test(field.type);
    });
  }

  function valueOf(field) {
    if (field.type === "select-multiple") {
      return Array.prototype.filter.call(field.options, function (option) {
        return option.selected;
      }).map(function (option) {
        return option.value;
      });
    }
    return field.value;
  }

  function setValue(field, value) {
    if (field.type === "select-multiple" && Array.isArray(value)) {
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = value.indexOf(option.value) !== -1;
      });
    } else if (typeof value === "string") {
      field.value = value;
    }
  }

  function save(form) {
    var store = storage();
    if (!store) return;
    var values = {};
    savedFields(form).forEach(function (field) {
      values[field.name] = valueOf(field);
    });
    try {
      store.setItem(PREFIX + form.getAttribute("data-autosave"), JSON.stringify(values));
    } catch (error) {
      // Quota full or storage refused: nothing more to do.
    }
  }

  function restore(form) {
    var store = storage();
    if (!store || form.getAttribute("data-bound") !== "false") return;
    var values;
    try {
      values = JSON.parse(store.getItem(PREFIX + form.getAttribute("data-autosave")) || "null");
    } catch (error) {
      values = null;
    }
    if (!values || typeof values !== "object") return;
    var restored = false;
    savedFields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(values, field.name)) return;
      var before = JSON.stringify(valueOf(field));
      setValue(field, values[field.name]);
      if (JSON.stringify(valueOf(field)) !== before) restored = true;
    });
    var message = form.getAttribute("data-restored-message");
    if (restored && message) {
      var note = document.createElement("p");
      note.className = "alert alert-info restored-note";
      note.setAttribute("role", "status");
      note.textContent = message;
      form.parentNode.insertBefore(note, form);
    }
  }

  function keepalive(form) {
    var url = form.getAttribute("data-keepalive-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !token || !window.fetch || Date.now() - lastKeepalive < KEEPALIVE_EVERY) return;
    lastKeepalive = Date.now();
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value, "X-Requested-With": "XMLHttpRequest" }
    }).catch(function () {
      // Offline for a moment: the text is in localStorage; try again in half a minute.
      lastKeepalive = Date.now() - KEEPALIVE_EVERY + 30 * 1000;
    });
  }

  // Removing entries saved on the server comes first: a page after a save may show a fresh form
  // with the same key, which must not be filled with the text just saved.
  function forgetSaved() {
    var store = storage();
    if (!store) return;
    document.querySelectorAll("[data-autosave-saved]").forEach(function (marker) {
      store.removeItem(PREFIX + marker.getAttribute("data-autosave-saved"));
    });
  }

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  function forgetAll() {
    var store = storage();
    if (!store) return;
    Object.keys(store).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) store.removeItem(key);
    });
  }

  // "Add a quote box" without a round trip: a copy of the formset's empty form, numbered
  // next. Without JavaScript the button posts the form and the server adds the box.
  function addQuoteBox(button) {
    var prefix = button.getAttribute("data-add-quote");
    var list = document.getElementById(prefix);
    var template = document.querySelector('template[data-quote-template="' + prefix + '"]');
    var total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    if (!list || !template || !total) return false;
    var index = String(parseInt(total.value, 10) || 0);
    var box = template.content.firstElementChild.cloneNode(true);
    var named = [box].concat(Array.prototype.slice.call(box.querySelectorAll("*")));
    named.forEach(function (element) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.split("__prefix__").join(index));
      });
    });
    list.appendChild(box);
    total.value = String(parseInt(index, 10) + 1);
    var first = box.querySelector("textarea, input");
    if (first) first.focus();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    forgetSaved();
    document.querySelectorAll("[data-add-quote]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (addQuoteBox(button)) event.preventDefault();
      });
    });
    document.querySelectorAll("form[data-signout]").forEach(function (form) {
      form.addEventListener("submit", forgetAll);
    });
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      restore(form);
      form.addEventListener("input", function () {
        save(form);
        keepalive(form);
      });
      // A select changed with the keyboard on some browsers fires only `change`.
      form.addEventListener("change", function () {
        save(form);
      });
    });
    focusErrors();
  });
})();
