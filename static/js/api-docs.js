/*
 * Names for the Swagger UI controls that its own markup leaves unnamed or misnamed, which no
 * configuration option changes (Swagger UI 5):
 *
 * - the authorisation dialog's close button holds only an icon, so a screen reader says
 *   "button"; it is named "Close";
 * - the dialog's Authorize and Logout buttons carry an aria-label ("Apply credentials",
 *   "Remove authorization") that does not contain the words on them, so a person using
 *   speech input who says "click Authorize" is not understood; the label is removed and the
 *   visible words name the button.
 *
 * Swagger UI draws with React after this file loads, so the page is watched for new nodes.
 * React sets neither attribute again once the button is drawn (its props do not change).
 */
(() => {
  "use strict";

  const root = document.getElementById("swagger-ui");
  if (!root) return;

  const nameControls = () => {
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach((button) => {
      button.setAttribute("aria-label", "Close");
    });
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach((button) => {
      const words = button.textContent.trim();
      const label = button.getAttribute("aria-label");
      if (words && !label.toLowerCase().includes(words.toLowerCase())) {
        button.removeAttribute("aria-label");
      }
    });
  };

  new MutationObserver(nameControls).observe(root, { subtree: true, childList: true });
  nameControls();
})();
