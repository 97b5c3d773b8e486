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

  // The words a field is known by: its label, or its group's legend (without the
  // required-field asterisk).
  function fieldName(field) {
    var label = field.labels && field.labels.length ? field.labels[0] : null;
    if (!label || field.type === "radio") {
      var fieldset = field.closest("fieldset");
      label = (fieldset && fieldset.querySelector("legend")) || label;
    }
    return label ? label.textContent.replace(/\*\s*$/, "").trim() : field.name;
  }

  // The summary the server puts above a form with problems (templates/form_errors.html):
  // each problem named by its field and linked to it.
  // A worklist row's form holds its own summary; a page's form has the one before it.
  function summaryFor(form) {
    var summary = form.querySelector("[data-form-errors]");
    if (summary) return summary;
    var page = document.getElementById("form-errors");
    if (page && !page.closest("form")) return page;
    summary = document.createElement("div");
    summary.className = "alert alert-danger";
    summary.setAttribute("role", "alert");
    summary.setAttribute("data-form-errors", "");
    if (form.querySelector("[data-summary-here]")) {
      form.querySelector("[data-summary-here]").replaceWith(summary);
    } else {
      summary.id = "form-errors";
      form.insertAdjacentElement("beforebegin", summary);
    }
    return summary;
  }

  function summarise(form, problems) {
    var summary = summaryFor(form);
    var line = document.createElement("p");
    line.className = "mb-1 fw-semibold";
    line.textContent = problems.length === 1
      ? "Please correct this problem:"
      : "Please correct these " + problems.length + " problems:";
    var list = document.createElement("ul");
    list.className = "mb-0 form-problems";
    problems.forEach(function (found) {
      var link = document.createElement("a");
      link.href = "#" + found.field.id;
      link.textContent = fieldName(found.field) + ": " + found.message;
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.replaceChildren(line, list);
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
  // A link in a summary puts the cursor in the field it names, not only scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-form-errors] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });

  document.addEventListener("input", recheck);
  document.addEventListener("change", recheck);

  // On submit, in the capture phase so that a form another script sends with fetch is
  // stopped too: every field is checked, and the first problem takes focus.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-checked-form")) return;
    var problems = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.matches("input, select, textarea") && !check(field)) {
        problems.push({ field: field, message: problem(field) });
      }
    });
    if (problems.length) {
      event.preventDefault();
      event.stopPropagation();
      summarise(form, problems);
      problems[0].field.focus();
    }
  }, true);
}());
