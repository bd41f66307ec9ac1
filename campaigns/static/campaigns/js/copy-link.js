// "Copy" buttons beside a readonly link: <button data-copy="#input-id">Copy</button>.
// Without JavaScript the link is still there to select and copy by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      if (!input) return;
      input.select();
      var label = button.textContent;
      var done = function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
