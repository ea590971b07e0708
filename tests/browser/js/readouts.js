// Text each readout of an Explorer shows in the page (readout NAME has the CSS class
// mixlib-readout-NAME); the expected HTML is rendered the same way (innerHTML) to compare.
(el, {names, expected}) => {
  const shown = {}, want = {};
  const render = (v) => { const d = document.createElement('div'); d.innerHTML = v; return d.textContent; };
  for (const name of names) {
    const r = el.querySelector('.mixlib-readout-' + CSS.escape(name));
    if (!r) { shown[name] = null; continue; }
    const content = r.querySelector('.widget-html-content');
    if (content) {
      shown[name] = content.textContent;
      if (name in expected) want[name] = render(expected[name]);
    } else {
      shown[name] = r.textContent;  // a Label: its text is the value
      if (name in expected) want[name] = expected[name];
    }
  }
  return {shown, want};
}
