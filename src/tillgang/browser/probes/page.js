// tillgang's page probe: one call after the page has settled. It numbers every element (data-tillgang, so that
// the Python side can match the serialised DOM to these facts and take screenshots), measures what only a
// browser knows (visibility, boxes, computed colours, fonts, what paints behind each text) and returns the DOM
// as it is now. No decisions are made here: the Python side judges (browser/facts.py).
async ({ maxElements, quiet, cap }) => {
  // Settle first: no DOM change (and no resource finished loading) for `quiet` ms, at most `cap` ms; the
  // watch is installed before the page's own scripts (browser/session.py, _WATCH_JS). A page that runs no script
  // of its own (no script element that executes, no inline event handler, no frame or plug-in that could reach
  // into it) cannot change its DOM once it has loaded and the network is idle: nothing to wait for.
  const DATA_SCRIPT = /^(application\/(ld\+)?json|importmap|speculationrules|text\/(template|x-template|html|plain))$/i;
  const scripted = () => {
    for (const s of document.getElementsByTagName("script")) {
      if (!DATA_SCRIPT.test((s.getAttribute("type") || "").trim())) return true;
    }
    if (document.querySelector("iframe, frame, object, embed")) return true;
    for (const el of document.getElementsByTagName("*")) {
      for (const name of el.getAttributeNames()) if (name.startsWith("on")) return true;
    }
    return false;
  };
  let settled = "no-script";
  if (scripted()) settled = await new Promise((resolve) => {
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      if (now - (window.__tillgangLast || 0) >= quiet) resolve("quiet");
      else if (now - start >= cap) resolve("cap");
      else setTimeout(tick, Math.max(10, Math.min(50, quiet - (now - (window.__tillgangLast || 0)))));
    };
    tick();
  });
  // Audio and video that play automatically with sound: their length decides WCAG 1.4.2 (checks/html_media.py),
  // so wait a little (at most 1 s in all) for the metadata of those still loading.
  const loading = Array.from(document.querySelectorAll("audio[autoplay], video[autoplay]"))
    .filter((m) => !m.muted && m.volume > 0 && m.readyState < 1 && m.networkState === 2);
  if (loading.length) await Promise.race([
    Promise.all(loading.map((m) => new Promise((ok) => {
      for (const type of ["loadedmetadata", "error", "emptied", "suspend"]) m.addEventListener(type, ok, { once: true });
    }))),
    new Promise((ok) => setTimeout(ok, 1000)),
  ]);
  const ATTR = "data-tillgang";
  const all = document.documentElement ? document.documentElement.getElementsByTagName("*") : [];
  const elements = [];
  const index = new Map();
  const count = Math.min(all.length, maxElements);
  const push = (el) => { index.set(el, elements.length); el.setAttribute(ATTR, String(elements.length)); elements.push(el); };
  if (document.documentElement) push(document.documentElement);
  for (let i = 0; i < count; i++) push(all[i]);

  const styleCache = new Map();
  const style = (el) => {
    let s = styleCache.get(el);
    if (!s) { s = getComputedStyle(el); styleCache.set(el, s); }
    return s;
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.width, r.height];
  };
  const hidden = (el) => {
    const s = style(el);
    return s.display === "none" || s.visibility !== "visible" || s.contentVisibility === "hidden";
  };
  // An audio or video element's playback state (WCAG 1.4.2, judged in checks/html_media.py): duration null
  // when unknown (no metadata), -1 for a stream; `frag` the temporal media fragment of its source (#t=a,b).
  const media = (el) => {
    const d = el.duration;
    const frag = /#t=([^&#]*)/.exec(el.currentSrc || el.getAttribute("src") || "");
    return {
      paused: el.paused, muted: el.muted, volume: el.volume, ready: el.readyState,
      duration: Number.isNaN(d) ? null : (Number.isFinite(d) ? d : -1),
      error: el.error ? el.error.code : 0, frag: frag ? frag[1].slice(0, 40) : "",
    };
  };
  const facts = elements.map((el) => {
    const s = style(el);
    const rendered = el.getClientRects().length > 0 || s.display === "contents";
    const fact = { box: box(el), shown: rendered && !hidden(el) };
    if (s.display === "none") fact.none = true;
    else if (el.hasAttribute("hidden")) fact.display = s.display;
    if (s.visibility !== "visible") fact.vh = true;
    if (el instanceof HTMLMediaElement) fact.media = media(el);
    return fact;
  });

  // The clip of every ancestor that hides overflow (or clips), intersected with a text's rectangles.
  const clipRect = (el) => {
    let rect = [-Infinity, -Infinity, Infinity, Infinity];
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = style(a);
      const clips = s.overflowX !== "visible" || s.overflowY !== "visible" || (s.clip && s.clip !== "auto") ||
        (s.clipPath && s.clipPath !== "none");
      if (clips) {
        const r = a.getBoundingClientRect();
        rect = [Math.max(rect[0], r.left), Math.max(rect[1], r.top), Math.min(rect[2], r.right), Math.min(rect[3], r.bottom)];
        if (s.clip && s.clip !== "auto" && /rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)/.test(s.clip)) rect = [0, 0, 0, 0];
      }
    }
    return rect;
  };
  const opacityCache = new Map();
  const opacityOf = (el) => {
    if (!el) return 1;
    let o = opacityCache.get(el);
    if (o === undefined) {
      o = parseFloat(style(el).opacity || "1") * opacityOf(el.parentElement);
      opacityCache.set(el, o);
    }
    return o;
  };
  // What an element paints behind a text (measured once per element).
  const paintCache = new Map();
  const paint = (el) => {
    let p = paintCache.get(el);
    if (!p) {
      const s = style(el);
      const image = s.backgroundImage && s.backgroundImage !== "none" ? s.backgroundImage : "";
      p = {
        i: index.has(el) ? index.get(el) : -1,
        tag: el.tagName.toLowerCase(),
        color: s.backgroundColor,
        image: image.slice(0, 200),
        opacity: opacityOf(el),
        replaced: /^(img|video|canvas|svg|iframe|object|embed|picture)$/i.test(el.tagName),
        blend: s.mixBlendMode !== "normal" || (s.filter && s.filter !== "none") ||
          (s.backdropFilter && s.backdropFilter !== "none"),
      };
      p.paints = !!(p.image || p.replaced || p.blend) || p.color !== "rgba(0, 0, 0, 0)";
      p.opaque = !p.image && !p.replaced && !p.blend && p.color.startsWith("rgb(") && p.opacity >= 1;
      paintCache.set(el, p);
    }
    return p;
  };
  const layer = (el) => Object.assign({}, paint(el), { ancestor: false, covers: true });

  const texts = [];
  const MAX_TEXTS = 5000;
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node && texts.length < MAX_TEXTS; node = walker.nextNode()) {
    const raw = node.data;
    if (!raw || !raw.trim()) continue;
    const parent = node.parentElement;
    if (!parent || !index.has(parent) || parent.namespaceURI !== "http://www.w3.org/1999/xhtml") continue;
    const s = style(parent);
    if (hidden(parent)) continue;
    range.selectNodeContents(node);
    const clip = clipRect(parent);
    const rects = [];
    for (const r of range.getClientRects()) {
      const x0 = Math.max(r.left, clip[0]), y0 = Math.max(r.top, clip[1]);
      const x1 = Math.min(r.right, clip[2]), y1 = Math.min(r.bottom, clip[3]);
      if (x1 - x0 > 1 && y1 - y0 > 1 && x1 + scrollX > 0 && y1 + scrollY > 0) rects.push([x0, y0, x1, y1]);
    }
    const sample = {
      el: index.get(parent),
      text: raw.trim().replace(/\s+/g, " ").slice(0, 120),
      fg: s.color,
      fill: s.webkitTextFillColor || "",
      stroke: parseFloat(s.webkitTextStrokeWidth || "0") > 0,
      size: parseFloat(s.fontSize),
      weight: parseInt(s.fontWeight, 10) || 400,
      shadow: s.textShadow && s.textShadow !== "none" ? s.textShadow.slice(0, 300) : "",
      clipText: (s.backgroundClip || s.webkitBackgroundClip || "") === "text",
      opacity: opacityOf(parent),
      visible: rects.length > 0,
      layers: [],
      varies: false,
    };
    if (rects.length) {
      // What paints behind the text: the stack below the text's element at the middle of its first rectangle,
      // compared with the stacks at both ends of its first rectangles (a background under only part of the
      // text makes the sample vary, and the rule cannot tell).
      const [x0, y0, x1, y1] = rects[0];
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      const oldX = scrollX, oldY = scrollY;
      const moved = cx < 0 || cy < 0 || cx > innerWidth || cy > innerHeight;
      if (moved) scrollTo(Math.max(0, cx + scrollX - innerWidth / 2), Math.max(0, cy + scrollY - innerHeight / 2));
      const dx = moved ? scrollX - oldX : 0, dy = moved ? scrollY - oldY : 0;
      sample.layers = stackAt(parent, cx - dx, cy - dy);
      const sign = signatureAt(parent, cx - dx, cy - dy);
      const points = [[x0 + 2, cy], [x1 - 2, cy]];
      for (const [a, b, c, d] of rects.slice(1, 3)) points.push([(a + c) / 2, (b + d) / 2]);
      for (const [px0, py0] of points) {
        const px = px0 - dx, py = py0 - dy;
        if (px < 0 || py < 0 || px > innerWidth || py > innerHeight) continue;
        if (signatureAt(parent, px, py) !== sign) { sample.varies = true; break; }
      }
      if (moved) scrollTo(oldX, oldY);
    }
    texts.push(sample);
  }

  // The elements that paint behind (or over) the text at one point, down to the first opaque one.
  function signatureAt(parent, x, y) {
    const stack = document.elementsFromPoint(x, y);
    const start = stack.indexOf(parent);
    if (start < 0) return "covered";
    let out = "";
    for (let k = 0; k < start; k++) if (!parent.contains(stack[k])) out += "A" + paint(stack[k]).i + "|";
    for (let k = start; k < stack.length; k++) {
      const p = paint(stack[k]);
      if (p.paints) out += p.i + "|";
      if (p.opaque) break;
    }
    return out;
  }

  function stackAt(parent, cx, cy) {
    const stack = document.elementsFromPoint(cx, cy);
    const out = [];
    let start = stack.indexOf(parent);
    if (start < 0) {
      // the text's element is not hit (pointer-events, or covered): describe the chain of ancestors instead,
      // and the topmost element that covers it
      const cover = stack[0];
      if (cover) { const l = layer(cover); l.above = true; out.push(l); }
      start = 0;
      for (let a = parent; a; a = a.parentElement) { const l = layer(a); l.ancestor = true; out.push(l); }
      return out;
    }
    for (let k = 0; k < start; k++) {
      const el = stack[k];
      if (parent.contains(el)) continue;
      const l = layer(el); l.above = true; out.push(l);
    }
    for (let k = start; k < stack.length; k++) {
      const el = stack[k];
      const l = layer(el);
      l.ancestor = el.contains(parent);
      if (!l.ancestor) {
        const b = el.getBoundingClientRect();
        const rr = range.getBoundingClientRect();
        l.covers = b.left <= rr.left + 0.5 && b.top <= rr.top + 0.5 && b.right >= rr.right - 0.5 && b.bottom >= rr.bottom - 0.5;
      }
      out.push(l);
      if (l.opaque) break; // nothing below an opaque background shows
    }
    return out;
  }

  const doctype = document.doctype ? "<!DOCTYPE " + document.doctype.name + ">" : "";
  return {
    html: doctype + (document.documentElement ? document.documentElement.outerHTML : ""),
    url: location.href,
    contentType: document.contentType || "",
    truncated: all.length > maxElements,
    elements: facts,
    texts: texts,
    width: document.documentElement ? document.documentElement.scrollWidth : 0,
    settled: settled,
  };
}
