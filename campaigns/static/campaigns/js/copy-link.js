// "Copy" buttons beside a readonly link: <button data-copy="#input-id" data-copied="Copied"
// data-copy-failed="Press Ctrl+C to copy" hidden>Copy</button>, the two messages rendered
// translated by the template (templates/includes/share_links.html). Without JavaScript the
// button stays hidden and the link is there to select by hand.
// `window.northstarCopyLinks(root)` sets up the buttons inside `root` (HTML put into a page
// after it loaded: the thank-you card once a gift is confirmed); each button only once.
(function () {
  "use strict";
  function setUp(button) {
    if (button.dataset.copyReady) return;
    button.dataset.copyReady = "true";
    var label = button.textContent;
    var copiedText = button.dataset.copied || "Copied";
    var failedText = button.dataset.copyFailed || "Press Ctrl+C to copy";
    var show = function (text) {
      button.textContent = text;
      window.setTimeout(function () { button.textContent = label; }, 3000);
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      if (!input) return;
      input.focus();
      input.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      if (copied) {
        show(copiedText);
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(
          function () { show(copiedText); },
          function () { show(failedText); }
        );
      } else {
        show(failedText);
      }
    });
  }

  window.northstarCopyLinks = function (root) {
    (root || document).querySelectorAll("[data-copy]").forEach(setUp);
  };
  window.northstarCopyLinks(document);
})();
