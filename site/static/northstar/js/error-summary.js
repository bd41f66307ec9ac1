// A form sent back with mistakes starts with an error summary (templates/includes/form_errors.html,
// GOV.UK's pattern). On load the summary takes focus, so a screen reader reads it and a phone
// shows it (the `autofocus` attribute does the same without JavaScript). Following one of its
// links focuses the field and scrolls the field's label (or its group's legend) into view, as
// GOV.UK's script does: a bare fragment link would scroll the input to the top, under its label.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();

  function labelFor(input) {
    var fieldset = input.closest("fieldset");
    if ((input.type === "radio" || input.type === "checkbox") && fieldset) {
      var legend = fieldset.querySelector("legend");
      if (legend) return legend;
    }
    return input.id ? document.querySelector('label[for="' + CSS.escape(input.id) + '"]') : null;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) return;
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    var container = input.closest("[hidden]");
    if (container) container.hidden = false; // e.g. the donate form's "Your amount" box
    var label = labelFor(input);
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
