// Checks a form's fields as the user leaves each one and when they submit, and shows
// the server's own message in the place the server puts it (the invalid-feedback block
// after the field). Each field carries its messages as data attributes written by
// `cases.forms.add_client_checks`; the server checks everything again and decides.
(function () {
  "use strict";

  var UK_DATE = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

  function realDate(day, month, year) {
    var d = new Date(Date.UTC(year, month - 1, day));
    return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  }

  function isDate(text) {
    var m = UK_DATE.exec(text);
    if (m) return realDate(+m[1], +m[2], +m[3]);
    m = ISO_DATE.exec(text);
    return Boolean(m) && realDate(+m[3], +m[2], +m[1]);
  }

  function shown(field) {
    return !field.disabled && !field.closest("[hidden]") && field.type !== "hidden";
  }

  // The message for a field's value, or "" when the field is fine as far as we can tell.
  function problem(field) {
    var data = field.dataset;
    var value = field.type === "checkbox" ? (field.checked ? "on" : "") : field.value.trim();
    if (!value) return field.required && data.requiredMessage ? data.requiredMessage : "";
    if (data.date === "uk" && !isDate(value)) return data.invalidMessage || "";
    if (field.type === "number") {
      var number = Number(value);
      if (isNaN(number)) return data.invalidMessage || "";
      if (field.min !== "" && number < Number(field.min)) return data.minMessage || "";
      if (field.max !== "" && number > Number(field.max)) return data.maxMessage || "";
    }
    return "";
  }

  function errorBox(field) {
    var id = field.id + "_error";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback";
      box.dataset.clientCheck = "";
      var after = field.type === "checkbox" && field.labels.length ? field.labels[0] : field;
      after.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function describedBy(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) ids.push(id);
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  function show(field, message) {
    var box = errorBox(field);
    var paragraph = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = message;
    paragraph.appendChild(strong);
    box.replaceChildren(paragraph);
    field.classList.add("is-invalid");
    field.setAttribute("aria-invalid", "true");
    describedBy(field, box.id, true);
  }

  function clear(field) {
    var box = document.getElementById(field.id + "_error");
    if (box) {
      box.replaceChildren();
      describedBy(field, box.id, false);
    }
    field.classList.remove("is-invalid");
    field.removeAttribute("aria-invalid");
  }

  function check(field) {
    if (!field.id || !shown(field) || !("requiredMessage" in field.dataset || field.dataset.date || field.type === "number")) {
      return true;
    }
    var message = problem(field);
    if (message) show(field, message);
    else clear(field);
    return !message;
  }

  // The summary the server puts above a form with problems (templates/form_errors.html).
  function summarise(form, count) {
    var summary = document.getElementById("form-errors");
    if (!summary) {
      summary = document.createElement("div");
      summary.id = "form-errors";
      summary.className = "alert alert-danger";
      summary.setAttribute("role", "alert");
      form.insertAdjacentElement("beforebegin", summary);
    }
    var line = document.createElement("p");
    line.className = "mb-1 fw-semibold";
    line.textContent = "Please correct the " + count + " problem" + (count === 1 ? "" : "s") + " below.";
    summary.replaceChildren(line);
  }

  function checkable(target) {
    return target && target.form && target.form.hasAttribute("data-checked-form") &&
      target.matches("input, select, textarea");
  }

  // On leaving a field that holds something, show what is wrong with it (tabbing through
  // an empty form does not cover it in messages). Leaving never removes a message:
  // the page would shift under a click on "Save" and the click would be lost.
  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (checkable(field) && field.value && problem(field)) check(field);
  });

  // A message goes as soon as the value is put right, while the user types or chooses.
  function recheck(event) {
    var field = event.target;
    if (checkable(field) && field.classList.contains("is-invalid")) check(field);
  }
  document.addEventListener("input", recheck);
  document.addEventListener("change", recheck);

  // On submit, in the capture phase so that a form another script sends with fetch is
  // stopped too: every field is checked, and the first problem takes focus.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-checked-form")) return;
    var first = null;
    var count = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.matches("input, select, textarea") && !check(field)) {
        count += 1;
        if (!first) first = field;
      }
    });
    if (first) {
      event.preventDefault();
      event.stopPropagation();
      summarise(form, count);
      first.focus();
    }
  }, true);
}());
