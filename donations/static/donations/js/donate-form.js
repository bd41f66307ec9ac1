// The donate form's one rule, as the server reads it (donations/forms.py): an amount typed in
// "Your amount" is the amount given, whichever preset is chosen. So the script keeps what the
// donor sees equal to what is sent: typing chooses "Other amount", choosing a preset empties
// the box, and the box shows only while "Other amount" is chosen. Without JavaScript the box is
// always there, with the rule written under it.
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
        if (other.checked) {
          typed.focus();
        } else {
          typed.value = "";
        }
        showIfChosen();
      });
    });
    typed.addEventListener("input", function () {
      if (typed.value.trim()) other.checked = true;
    });
    if (typed.value.trim()) other.checked = true; // a form shown again keeps the typed amount
    showIfChosen();
  });
})();
