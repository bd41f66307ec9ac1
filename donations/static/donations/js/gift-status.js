// The thank-you page of a gift still being confirmed: ask the status endpoint every few
// seconds, a limited number of times (every 3 s for a minute, as the page's data attributes
// say). Once the gift is paid or failed, show what the page would now say; if it is still
// pending after the last try, stop and say what to do. Never reloads the page.
(function () {
  var card = document.querySelector("[data-gift-status][data-status-url]");
  if (!card) return;
  var url = card.getAttribute("data-status-url");
  var every = parseInt(card.getAttribute("data-poll-every-ms"), 10) || 3000;
  var times = parseInt(card.getAttribute("data-poll-times"), 10) || 20;
  var tries = 0;

  function stopWaiting() {
    var note = card.querySelector("[data-still-waiting]");
    if (note) note.hidden = false;
  }

  function later() {
    if (tries >= times) {
      stopWaiting();
    } else {
      window.setTimeout(check, every);
    }
  }

  function check() {
    tries += 1;
    window
      .fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (gift) {
        if (gift.status === "pending") {
          later();
        } else {
          card.innerHTML = gift.html;
          if (window.northstarCopyLinks) window.northstarCopyLinks(card); // its Copy link button
        }
      })
      .catch(later);
  }

  later();
})();
