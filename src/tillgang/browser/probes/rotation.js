// Every shown element with text that has a transform or a rotate property, by its probe number (page.js numbered
// the elements): its rotation about the Z axis in degrees, and the computed values (to tell whether they change
// with the orientation). Run once per orientation (browser/session.py).
() => {
  const angleOf = (transform) => {
    const m = /^matrix(3d)?\(([^)]*)\)$/.exec(transform || "");
    if (!m) return 0;
    const v = m[2].split(",").map(Number);
    return (Math.atan2(v[1], v[0]) * 180) / Math.PI; // matrix(a, b, ...) and matrix3d(m11, m12, ...) alike
  };
  const rotateOf = (rotate) => {
    if (!rotate || rotate === "none") return 0;
    const parts = rotate.trim().split(/\s+/);
    const angle = parts[parts.length - 1];
    if (parts.length === 4 && !(Number(parts[0]) === 0 && Number(parts[1]) === 0)) return 0; // not about Z
    const n = parseFloat(angle);
    if (angle.endsWith("turn")) return n * 360;
    if (angle.endsWith("rad")) return (n * 180) / Math.PI;
    if (angle.endsWith("grad")) return n * 0.9;
    return n;
  };
  const out = {};
  for (const el of document.querySelectorAll("[data-tillgang]")) {
    const s = getComputedStyle(el);
    if ((s.transform === "none" || !s.transform) && (s.rotate === "none" || !s.rotate)) continue;
    if (s.visibility !== "visible" || el.getClientRects().length === 0 || !(el.textContent || "").trim()) continue;
    out[el.getAttribute("data-tillgang")] = [angleOf(s.transform) + rotateOf(s.rotate), s.transform + " " + s.rotate];
  }
  return out;
}
