// The armed measurement so far: {t0, t1, changed}; with disarm true, stop listening too.
(disarm) => {
  const s = window.__mix;
  if (disarm && s) { s.armed = false; if (s.observer) s.observer.disconnect(); }
  return {t0: s.t0, t1: s.t1, changed: s.t1 !== null};
}
