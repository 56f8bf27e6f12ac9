// Applies the saved theme before first paint (no flash). A separate file, not an inline
// script, so a strict Content-Security-Policy (script-src 'self') keeps working.
try {
  var t = localStorage.getItem('sentio.theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch (e) {
  /* storage disabled */
}
