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

// "Add $1.44 so that all of my $50 reaches the cause": the box's sentence follows the amount
// chosen or typed. The server writes a sentence true for any amount (the rule, and the fee on
// the amount shown first); with this script the exact one is shown instead, computed as
// donations/fees.py computes it, in integers: gross = ceil((amount + fixed) / (1 - percent)).
(function () {
  document.querySelectorAll(".donate-form").forEach(function (form) {
    var offer = form.querySelector("[data-fee-offer]");
    if (!offer) return;
    var specific = offer.querySelector("[data-fee-specific]");
    var general = offer.querySelector("[data-fee-general]");
    var example = offer.querySelector("[data-fee-example]");
    var feeText = offer.querySelector("[data-fee-amount]");
    var giftText = offer.querySelector("[data-fee-gift]");
    if (!specific || !general || !feeText || !giftText) return;
    var basisPoints = parseInt(offer.dataset.basisPoints, 10);
    var fixed = parseInt(offer.dataset.fixed, 10);
    var places = parseInt(offer.dataset.exponent, 10);
    var symbol = offer.dataset.symbol;
    var unit = Math.pow(10, places);
    var typed = form.querySelector('input[name="other_amount"]');

    function money(cents) { // as donations/money.py's format_money: "$1,250", "$1.44"
      var whole = Math.floor(cents / unit);
      var rest = cents % unit;
      var text = whole.toString().replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ",");
      if (places && rest) text += "." + String(rest).padStart(places, "0");
      return symbol + text;
    }

    function amountChosen() { // minor units, or null when none can be read
      var chosen = form.querySelector('input[name="amount"]:checked');
      var text = typed ? typed.value.trim().replace(symbol, "").replace(/,/g, "") : "";
      if (text) {
        var match = /^([0-9]{1,9})(?:\.([0-9]{1,2}))?$/.exec(text);
        if (!match || (match[2] || "").length > places) return null;
        return parseInt(match[1], 10) * unit + parseInt((match[2] || "").padEnd(places, "0") || "0", 10);
      }
      if (!chosen || chosen.value === "other") return null;
      return parseInt(chosen.value, 10) * unit;
    }

    function update() {
      var amount = amountChosen();
      var known = amount !== null && amount > 0;
      if (known) {
        var top = (amount + fixed) * 10000; // integers, exact far below 2^53
        var bottom = 10000 - basisPoints;
        var gross = Math.floor(top / bottom);
        if (gross * bottom < top) gross += 1;
        feeText.textContent = money(gross - amount);
        giftText.textContent = money(amount);
      }
      specific.hidden = !known;
      general.hidden = known;
      if (example) example.hidden = true;
    }

    form.addEventListener("change", update);
    if (typed) typed.addEventListener("input", update);
    update();
  });
})();
