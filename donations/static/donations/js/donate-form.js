// The amount of your own shows when "Other amount" is chosen; typing one chooses it.
// Without JavaScript the field is always there and the server reads it the same way.
(function () {
  document.querySelectorAll(".donate-form").forEach(function (form) {
    var other = form.querySelector('input[name="amount"][value="other"]');
    var field = form.querySelector("[data-other-amount]");
    var typed = form.querySelector('input[name="other_amount"]');
    if (!other || !field || !typed) return;

    function showIfChosen() {
      var chosen = other.checked || field.classList.contains("form-field--error");
      field.hidden = !chosen;
    }

    form.querySelectorAll('input[name="amount"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        field.classList.remove("form-field--error");
        showIfChosen();
        if (other.checked) typed.focus();
      });
    });
    typed.addEventListener("input", function () {
      if (typed.value.trim()) other.checked = true;
    });
    showIfChosen();
  });
})();
