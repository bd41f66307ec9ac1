// Typing an amount of your own chooses "Other amount"; choosing a preset leaves it alone.
(function () {
  document.querySelectorAll(".donate-form").forEach(function (form) {
    var other = form.querySelector('input[name="amount"][value="other"]');
    var typed = form.querySelector('input[name="other_amount"]');
    if (!other || !typed) return;
    typed.addEventListener("input", function () {
      if (typed.value.trim()) other.checked = true;
    });
  });
})();
