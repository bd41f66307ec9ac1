// The sign form without a round trip: once a ZIP code is typed, say who
// receives the signature, or ask for the state when the ZIP doesn't tell.
// Without JavaScript the server does the same when the form is posted.
(function () {
  var form = document.querySelector(".sign-form");
  if (form) {
    var zip = form.querySelector("[name=zip_code]");
    var stateField = form.querySelector("[data-state-field]");
    var state = form.querySelector("[name=state]");
    var recipient = form.querySelector("[data-recipient]");
    var lastZip = "";

    function showRecipient(text) { recipient.textContent = text || ""; }

    function lookUp() {
      var value = zip.value.trim().slice(0, 5);
      if (!/^\d{5}$/.test(value) || value === lastZip) return;
      lastZip = value;
      fetch(form.dataset.recipientUrl + "?zip=" + value, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (data.state) {
            state.value = data.state;
            stateField.hidden = true;
            showRecipient(data.recipient);
          } else {
            state.value = "";
            stateField.hidden = false;
            showRecipient("Please choose your state so that we send your signature to the right office.");
          }
        })
        .catch(function () { stateField.hidden = false; });
    }

    zip.addEventListener("input", lookUp);
    zip.addEventListener("change", lookUp);
    state.addEventListener("change", function () {
      if (state.value) showRecipient("");
    });
  }

})();
