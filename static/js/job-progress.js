// Follows a long job (an import, a recompute) from its page: polls the JSON at the box's
// data-status-url, moves the box's <progress data-progress-value="KEY"> to that key of the
// answer, writes each [data-progress-text="KEY"] element's text, and reloads the page when
// the answer says "finished", so the results appear. The page carries only data
// attributes (no inline script); without this script it still shows the state it was
// drawn with.
(function () {
  "use strict";
  function follow(box) {
    if (box.dataset.finished === "true") return;
    var bar = box.querySelector("progress[data-progress-value]");
    var texts = box.querySelectorAll("[data-progress-text]");

    function show(answer) {
      if (bar) {
        var value = answer[bar.dataset.progressValue];
        bar.value = value;
        bar.textContent = value + "%";
      }
      texts.forEach(function (element) {
        var text = String(answer[element.dataset.progressText]);
        // Unchanged text is left alone, so a live region does not repeat itself.
        if (element.textContent !== text) element.textContent = text;
      });
    }

    function poll() {
      fetch(box.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (answer) {
          show(answer);
          if (answer.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }
    window.setTimeout(poll, 500);
  }

  function start() {
    document.querySelectorAll("[data-status-url]").forEach(follow);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
