// Outreach attempts: shows each extra field only when the outcome needs it, and on the
// worklist sends the form with fetch and swaps in the row the server returns. Without
// this script the form is an ordinary POST and every field is shown with a hint.
(function () {
  "use strict";

  function checked(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function showRelevant(form) {
    var outcome = checked(form, "outcome");
    var reason = checked(form, "removal_reason");
    var shown = {
      remind: outcome === "remind",
      removed: outcome === "removed",
      "removed-other": outcome === "removed" && reason === "other"
    };
    form.querySelectorAll("[data-show-for]").forEach(function (box) {
      box.hidden = !shown[box.dataset.showFor];
    });
  }

  function prepare(root) {
    root.querySelectorAll("form.attempt-form").forEach(function (form) {
      form.classList.add("js-enhanced");
      form.querySelectorAll(".no-js-hint").forEach(function (hint) { hint.hidden = true; });
      showRelevant(form);
    });
  }

  function announce(text) {
    var status = document.getElementById("worklist-status");
    if (status) status.textContent = text;
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form.attempt-form");
    if (form) showRelevant(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-attempt-form]")) return;
    var entry = form.closest("[data-entry]");
    if (!entry || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-CSRFToken": token ? token.value : ""
      }
    })
      .then(function (response) {
        if (response.status !== 200 && response.status !== 400) throw new Error(response.status);
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      })
      .then(function (result) {
        var holder = document.createElement("template");
        holder.innerHTML = result.html.trim();
        var row = holder.content.firstElementChild;
        entry.replaceWith(row);
        prepare(row);
        if (result.ok) {
          var done = row.querySelector("[data-recorded]");
          // The message is a status region and takes focus, so it is read out once.
          if (done) done.focus();
        } else {
          var invalid = row.querySelector(".is-invalid, .invalid-feedback");
          announce("The attempt was not saved: please correct the problems marked.");
          var first = row.querySelector(".is-invalid") ||
            (invalid && invalid.closest("fieldset") && invalid.closest("fieldset").querySelector("input"));
          if (first) first.focus();
        }
      })
      .catch(function () {
        // Anything unexpected: fall back to an ordinary submission of the same form.
        form.submit();
      });
  });

  prepare(document);
})();
