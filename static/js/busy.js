// Shows that work is happening for anything that can take more than a second.
//
// - A form marked data-busy-text: once it is really sent (the field checks found
//   nothing), its submit button is disabled and says what is happening, so nobody
//   sends it twice or wonders whether it went.
// - A download link marked data-download: the link says the file is being prepared
//   until the server's response arrives. The link carries a one-off token; the
//   response sets a short-lived cookie with it (see `cases.downloads`), which tells
//   the page the download has started.
(function () {
  "use strict";

  function setBusy(element, text) {
    if (!element.dataset.idleHtml) element.dataset.idleHtml = element.innerHTML;
    element.setAttribute("aria-busy", "true");
    element.classList.add("disabled");
    element.setAttribute("aria-disabled", "true");
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    element.replaceChildren(spinner, document.createTextNode(text));
  }

  function setIdle(element) {
    if (element.dataset.idleHtml) element.innerHTML = element.dataset.idleHtml;
    element.removeAttribute("aria-busy");
    element.removeAttribute("aria-disabled");
    element.classList.remove("disabled");
    if (element.tagName === "BUTTON") element.disabled = false;
  }

  function announce(text) {
    var region = document.getElementById("busy-status");
    if (region) region.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.dataset.busyText) return;
    var button = form.querySelector('button[type="submit"]');
    if (!button) return;
    setBusy(button, form.dataset.busyText);
    announce(form.dataset.busyText);
    // Disabled after the browser has read the form, so the button's own value is sent.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download]");
    if (!link || link.getAttribute("aria-busy") === "true") {
      if (link) event.preventDefault();
      return;
    }
    var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("download_token", token);
    link.href = url.toString();
    setBusy(link, link.dataset.download);
    announce(link.dataset.download);
    var timer = window.setInterval(function () {
      if (cookie("lantern_download") !== token) return;
      window.clearInterval(timer);
      document.cookie = "lantern_download=; Max-Age=0; path=/; SameSite=Strict";
      setIdle(link);
      announce("The download has started.");
    }, 400);
  });

  // Coming back with the Back button shows the page as it was left: make it usable.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('[aria-busy="true"]').forEach(setIdle);
  });
}());
