// "Copy" buttons beside a readonly link: <button data-copy="#input-id" hidden>Copy</button>.
// Without JavaScript the button stays hidden and the link is there to select by hand.
// `window.northstarCopyLinks(root)` sets up the buttons inside `root` (HTML put into a page
// after it loaded: the thank-you card once a gift is confirmed); each button only once.
(function () {
  "use strict";
  function setUp(button) {
    if (button.dataset.copyReady) return;
    button.dataset.copyReady = "true";
    var label = button.textContent;
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
        show("Copied");
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(
          function () { show("Copied"); },
          function () { show("Press Ctrl+C to copy"); }
        );
      } else {
        show("Press Ctrl+C to copy");
      }
    });
  }

  window.northstarCopyLinks = function (root) {
    (root || document).querySelectorAll("[data-copy]").forEach(setUp);
  };
  window.northstarCopyLinks(document);
})();
