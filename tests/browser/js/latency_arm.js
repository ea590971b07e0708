// Arm a latency measurement on one Explorer: remember its figure image, then record the time of
// the student's action (the last keydown / pointer / change event before the first new image)
// and of the first new image. Returns whether the Explorer shows an image at all.
(el) => {
  // The Explorer's figure is an ipywidgets Image (class mixlib-figure): each update gives it a
  // new blob URL.
  const out = el;
  const img = () => { const i = out.querySelector('img.mixlib-figure'); return i ? i.getAttribute('src') : null; };
  const st = window.__mix || (window.__mix = {});
  if (st.observer) st.observer.disconnect();
  if (!st.listening) {
    st.listening = true;
    // The last of these before the new image is the change (press then release for a drag;
    // a slider that updates while dragging shows its first new image before the release).
    for (const type of ['keydown', 'pointerdown', 'pointerup', 'change']) {
      document.addEventListener(type, () => { if (window.__mix.armed) window.__mix.t0 = performance.now(); }, true);
    }
  }
  Object.assign(st, {armed: true, t0: null, t1: null, base: img(), src: null});
  st.observer = new MutationObserver(() => {
    const src = img();
    if (st.t1 === null && src && src !== st.base) { st.t1 = performance.now(); st.src = src; st.armed = false; }
  });
  st.observer.observe(out, {subtree: true, childList: true, attributes: true});
  return st.base !== null;
}
