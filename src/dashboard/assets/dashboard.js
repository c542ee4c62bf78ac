// touchbase dashboard: small conveniences; every page works without them.
// A select marked data-autosubmit submits its form when changed (the language switch, filters).
document.addEventListener('change', (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute('data-autosubmit') && target.form) target.form.requestSubmit();
});
