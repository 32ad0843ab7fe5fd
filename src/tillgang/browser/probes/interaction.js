// tillgang's interaction probe, run after the page probe (probes/page.js numbered the elements with
// data-tillgang). It measures what needs more than one look at the page; the Python side judges
// (browser/interaction.py, checks/html_rendered.py).
//   phase "scan":   scrollable regions (ACT 0ssw9k) and the elements that a style rule inside an
//                   @media (orientation: ...) rule rotates (ACT b33eff)
//   phase "angles": the rotation about the Z axis of the given elements in the current viewport
//                   and what the page's iframes hold in sequential focus navigation (ACT akn7bn)
//   phase "zoom":   text nodes clipped by an ancestor's hidden overflow in a 640×512 viewport (ACT 59br37)
//   phase "focus":  each element in sequential focus navigation focused in turn (ACT oj04fd)
//   phase "targets": the boxes of the pointer targets (WCAG 2.2 2.5.8), whether each is inline in text and
//                   whether a form control keeps the browser's own size
({ phase, indices }) => {
  const ATTR = "data-tillgang";
  const numbered = (el) => {
    const v = el.getAttribute(ATTR);
    return v !== null && /^\d+$/.test(v) ? parseInt(v, 10) : -1;
  };

  // The rotation about Z (degrees) of an element from its computed transform and rotate properties.
  const angle = (el) => {
    const s = getComputedStyle(el);
    let m = new DOMMatrix();
    try {
      if (s.rotate && s.rotate !== "none") {
        const parts = s.rotate.trim().split(/\s+/);
        const deg = parseFloat(parts[parts.length - 1]) * (/rad$/.test(parts[parts.length - 1]) ? 180 / Math.PI :
          /turn$/.test(parts[parts.length - 1]) ? 360 : /grad$/.test(parts[parts.length - 1]) ? 0.9 : 1);
        if (parts.length === 1 || parts[0] === "z") m = m.rotate(0, 0, deg);
        else if (parts.length === 4) m = m.rotateAxisAngle(parseFloat(parts[0]), parseFloat(parts[1]), parseFloat(parts[2]), deg);
        else if (parts[0] === "x") m = m.rotateAxisAngle(1, 0, 0, deg);
        else if (parts[0] === "y") m = m.rotateAxisAngle(0, 1, 0, deg);
      }
      if (s.transform && s.transform !== "none") m = m.multiply(new DOMMatrix(s.transform));
    } catch (e) {
      return null;
    }
    return (Math.atan2(m.m12, m.m11) * 180) / Math.PI;
  };

  if (phase === "angles") {
    const out = {};
    for (const i of indices) {
      const el = document.querySelector(`[${ATTR}="${i}"]`);
      if (el) out[i] = angle(el);
    }
    return out;
  }

  // --- scrollable regions ---
  const FOCUSABLE = /^(button|select|textarea|iframe|summary)$/;
  const rendered = (el) => el.getClientRects().length > 0;
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.visibility === "visible" && s.display !== "none" && rendered(el);
  };
  // In sequential focus navigation by the HTML rules (not by the browser's own habit of making a scroller
  // focusable, which ACT does not count): a tabindex of 0 or more, or focusable by default and no negative tabindex.
  const sequential = (el) => {
    if (el.closest("[inert]") || !shown(el)) return false;
    const tabindex = el.getAttribute("tabindex");
    if (tabindex !== null && /^\s*-?\d+\s*$/.test(tabindex)) {
      if (parseInt(tabindex, 10) < 0) return false;
      if (!el.matches(":disabled")) return true;
    }
    const tag = el.localName;
    if (el.matches(":disabled")) return false;
    if ((tag === "a" || tag === "area") && el.hasAttribute("href")) return true;
    if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
    if (tag === "summary") return !!el.parentElement && el.parentElement.localName === "details" &&
      el.parentElement.querySelector(":scope > summary") === el;
    if (FOCUSABLE.test(tag)) return true;
    if ((tag === "audio" || tag === "video") && el.hasAttribute("controls")) return true;
    return el.isContentEditable && (!el.parentElement || !el.parentElement.isContentEditable);
  };
  // Something a person sees: a text with letters, or an element that paints (a picture, a background, a border).
  const paints = (el) => {
    if (!shown(el)) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    if (/^(img|svg|video|canvas|iframe|object|embed|input|select|textarea|button|meter|progress)$/.test(el.localName)) return true;
    const s = getComputedStyle(el);
    return s.backgroundImage !== "none" || !/rgba\(0, 0, 0, 0\)|transparent/.test(s.backgroundColor) ||
      ["Top", "Right", "Bottom", "Left"].some((side) => parseFloat(s["border" + side + "Width"]) > 0 && s["border" + side + "Style"] !== "none");
  };
  const visibleContent = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.data.trim() && node.parentElement && shown(node.parentElement)) return true;
    }
    for (const el of root.querySelectorAll("*")) if (paints(el)) return true;
    return false;
  };
  const HIDES = /^(hidden|clip)$/;
  if (phase === "focus") return focusChanges();
  if (phase === "zoom") return zoomClips();
  if (phase === "targets") return pointerTargets();
  const scrollable = [];
  const SCROLLS = /^(auto|scroll|overlay)$/;
  for (const el of document.body ? document.body.querySelectorAll("*") : []) {
    const s = getComputedStyle(el);
    const sx = SCROLLS.test(s.overflowX), sy = SCROLLS.test(s.overflowY);
    if (!sx && !sy) continue;
    const dx = el.scrollWidth - el.clientWidth, dy = el.scrollHeight - el.clientHeight;
    const px = Math.min(parseFloat(s.paddingLeft) || 0, parseFloat(s.paddingRight) || 0);
    const py = Math.min(parseFloat(s.paddingTop) || 0, parseFloat(s.paddingBottom) || 0);
    if (!((sx && dx > 0 && dx > px) || (sy && dy > 0 && dy > py))) continue;
    if (!shown(el) || !visibleContent(el)) continue;
    const index = numbered(el);
    if (index < 0) continue;
    let reachable = sequential(el);
    if (!reachable) for (const d of el.querySelectorAll("*")) if (sequential(d)) { reachable = true; break; }
    scrollable.push({ el: index, reachable, inert: !!el.closest("[inert]") });
  }

  // --- rotations that depend on the orientation ---
  const rotating = [];
  const unreadable = [];
  const ROTATES = /\b(rotate|rotateZ|rotate3d|matrix|matrix3d)\s*\(/i;
  // Whether the zoom phase is needed: a hiding overflow around text now, or one that a media query on the
  // viewport's size may add (or a style sheet that cannot be read).
  let zoom = false;
  for (const el of document.body ? document.body.querySelectorAll("*") : []) {
    const s = getComputedStyle(el);
    if ((HIDES.test(s.overflowX) || HIDES.test(s.overflowY)) && el.textContent.trim()) { zoom = true; break; }
  }
  const SIZED = /(width|height|aspect-ratio|resolution)/i;
  const OVERFLOW = /\b(hidden|clip)\b/;
  const walk = (rules, oriented, sized) => {
    for (const rule of rules) {
      if (rule instanceof CSSMediaRule) {
        const text = rule.conditionText || rule.media.mediaText;
        walk(rule.cssRules, oriented || /\borientation\s*:\s*(portrait|landscape)\b/i.test(text), sized || SIZED.test(text));
      } else if (rule.cssRules && !(rule instanceof CSSStyleRule)) walk(rule.cssRules, oriented, sized);
      if (sized && rule instanceof CSSStyleRule && OVERFLOW.test(rule.style.overflow + " " + rule.style.overflowX + " " + rule.style.overflowY)) zoom = true;
      if (oriented && rule instanceof CSSStyleRule) {
        const t = rule.style.getPropertyValue("transform"), r = rule.style.getPropertyValue("rotate");
        if (!(ROTATES.test(t) || (r && r.trim()))) continue;
        let matched = [];
        try { matched = document.querySelectorAll(rule.selectorText); } catch (e) { continue; }
        for (const el of matched) {
          const i = numbered(el);
          if (i >= 0 && shown(el) && visibleContent(el) && !rotating.includes(i)) rotating.push(i);
        }
      }
    }
  };
  for (const sheet of document.styleSheets) {
    let rules = null;
    try { rules = sheet.cssRules; } catch (e) { unreadable.push(String(sheet.href || "")); zoom = true; continue; }
    const media = sheet.media ? sheet.media.mediaText : "";
    walk(rules, /\borientation\s*:/i.test(media), SIZED.test(media));
  }
  return { scrollable, rotating, unreadable, frames: frames(), needsZoom: zoom };

  // --- text clipped on zoom (ACT 59br37), run in a 640×512 viewport (1280×1024 at 200 %) ---
  function zoomClips() {
    const MAX_TEXTS = 3000;
    const out = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && out.length < MAX_TEXTS; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.data.trim() || !parent || parent.namespaceURI !== "http://www.w3.org/1999/xhtml") continue;
      if (!shown(parent) || parent.closest('[aria-hidden="true" i]')) continue;
      const index = numbered(parent);
      if (index < 0) continue;
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      const verdict = clipOf(parent, rects);
      if (verdict) out.push({ el: index, outcome: verdict, text: node.data.trim().replace(/\s+/g, " ").slice(0, 80) });
    }
    return out;
  }

  // "clipped-x" / "clipped-y", "fits", "unsure" (a positioned element in the chain: the clip may not apply), or
  // null when the rule does not apply (no hiding ancestor, or nothing of the text is visible).
  function clipOf(parent, rects) {
    let cur = {
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
    };
    let seen = { ...cur };
    let hiding = false, positioned = false, result = "fits";
    for (let a = parent; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.position === "absolute" || s.position === "fixed") positioned = true;
      const b = a.getBoundingClientRect();
      const inner = {
        left: b.left + a.clientLeft, top: b.top + a.clientTop,
        right: b.left + a.clientLeft + a.clientWidth, bottom: b.top + a.clientTop + a.clientHeight,
      };
      const hx = HIDES.test(s.overflowX), hy = HIDES.test(s.overflowY);
      if (hx || hy) {
        hiding = true;
        const clipY = s.overflowY === "clip" ? { top: inner.top + parseFloat(s.paddingTop), bottom: inner.bottom - parseFloat(s.paddingBottom) } : inner;
        if (hx && (cur.left < inner.left - 1 || cur.right > inner.right + 1) &&
            !(s.whiteSpace === "nowrap" && s.textOverflow !== "clip")) result = result === "fits" ? "clipped-x" : result;
        const lineHeight = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.2;
        if (hy && (cur.top < clipY.top - 1 || cur.bottom > clipY.bottom + 1) && !(lineHeight >= b.height)) {
          result = result === "fits" ? "clipped-y" : result;
        }
        seen = { left: Math.max(seen.left, inner.left), right: Math.min(seen.right, inner.right),
          top: Math.max(seen.top, clipY.top), bottom: Math.min(seen.bottom, clipY.bottom) };
      }
      // A scroll container shows what overflows it by scrolling: from here up, its own box is what must fit.
      if (/^(auto|scroll|overlay)$/.test(s.overflowX)) { cur.left = b.left; cur.right = b.right; }
      if (/^(auto|scroll|overlay)$/.test(s.overflowY)) { cur.top = b.top; cur.bottom = b.bottom; }
    }
    if (!hiding || seen.right - seen.left <= 1 || seen.bottom - seen.top <= 1) return null;
    return result !== "fits" && positioned ? "unsure" : result;
  }

  // --- iframes (ACT akn7bn): the visible elements in sequential focus navigation of each iframe's document, and
  // whether the iframe has a negative tabindex (focusable: null when the document cannot be read) ---
  function frames() {
    const out = [];
    const modal = document.querySelector(":modal");
    for (const frame of document.querySelectorAll("iframe")) {
      const index = numbered(frame);
      if (index < 0 || !shown(frame) || frame.closest("[inert]") || (modal && !modal.contains(frame))) continue;
      const tabindex = frame.getAttribute("tabindex");
      const negative = tabindex !== null && /^\s*-\d+\s*$/.test(tabindex) && parseInt(tabindex, 10) < 0;
      let doc = null;
      try { doc = frame.contentDocument; } catch (e) { doc = null; }
      if (!doc || !doc.documentElement) { out.push({ el: index, negative, focusable: null }); continue; }
      const win = doc.defaultView;
      const box = frame.getBoundingClientRect();
      const roomy = box.width >= 20 && box.height >= 20;
      let count = 0;
      for (const el of doc.body ? doc.body.querySelectorAll("*") : []) {
        if (!inFrameSequence(el, win)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        const inView = r.right > 0 && r.bottom > 0 && r.left < win.innerWidth && r.top < win.innerHeight;
        if (inView || (roomy && r.right + win.scrollX > 0 && r.bottom + win.scrollY > 0)) count++;
      }
      out.push({ el: index, negative, focusable: count });
    }
    return out;
  }

  // sequential() for an element of an iframe's document (its own window's computed styles).
  function inFrameSequence(el, win) {
    const s = win.getComputedStyle(el);
    if (s.visibility !== "visible" || s.display === "none" || el.getClientRects().length === 0) return false;
    if (el.closest("[inert]")) return false;
    const tabindex = el.getAttribute("tabindex");
    if (tabindex !== null && /^\s*-?\d+\s*$/.test(tabindex)) return parseInt(tabindex, 10) >= 0 && !el.matches(":disabled");
    const tag = el.localName;
    if (el.matches(":disabled")) return false;
    if ((tag === "a" || tag === "area") && el.hasAttribute("href")) return true;
    if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
    if ((tag === "audio" || tag === "video") && el.hasAttribute("controls")) return true;
    return FOCUSABLE.test(tag) || (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable));
  }

  // --- focus indication (ACT oj04fd): each element in sequential focus navigation focused in turn, and what
  // is painted around it compared with and without focus ---
  async function focusChanges() {
    const MAX_FOCUS = 500, MAX_RELATIVES = 60, MAX_WAITS = 5, WAIT_MS = 50;
    // CSS transitions are run to their end, so that the focused look is compared, not its first frame.
    const settle = () => {
      try {
        for (const a of document.getAnimations()) if (a instanceof CSSTransition) try { a.finish(); } catch (e) {}
      } catch (e) { /* the page replaced getAnimations: transitions are left running */ }
    };
    const targets = [];
    // An iframe is not a target itself: focus goes on into its document, whose own elements show it.
    for (const el of document.body ? document.body.querySelectorAll("*") : []) {
      if (sequential(el) && el.localName !== "iframe") targets.push(el);
    }
    const visibleLine = (width, style, colour) =>
      style !== "none" && style !== "hidden" && parseFloat(width) > 0 && !/rgba\([^)]*,\s*0\)|transparent/.test(colour)
        ? style + "/" + width + "/" + colour : "none";
    // What an element paints (lines only when they can be seen): any difference is a visible change.
    const look = (el, pseudo) => {
      const s = getComputedStyle(el, pseudo);
      if (pseudo && (s.content === "none" || s.content === "normal")) return "";
      const parts = [s.display, s.visibility, s.opacity, s.color, s.backgroundColor, s.backgroundImage, s.boxShadow,
        s.textShadow, s.textDecorationLine, s.textDecorationColor, s.textDecorationStyle, s.transform, s.filter,
        s.fontWeight, s.fill, s.stroke, s.content, s.clipPath, s.clip,
        visibleLine(s.outlineWidth, s.outlineStyle, s.outlineColor)];
      for (const side of ["Top", "Right", "Bottom", "Left"]) {
        parts.push(visibleLine(s["border" + side + "Width"], s["border" + side + "Style"], s["border" + side + "Color"]));
      }
      if (!pseudo) {
        const r = el.getBoundingClientRect();
        parts.push([r.left, r.top, r.width, r.height].map((v) => Math.round(v)).join(","));
      }
      return parts.join("|");
    };
    const relatives = (el) => {
      const out = [];
      for (let a = el; a && out.length < 12; a = a.parentElement) out.push(a);
      if (el.previousElementSibling) out.push(el.previousElementSibling);
      if (el.nextElementSibling) out.push(el.nextElementSibling);
      const inside = el.getElementsByTagName("*");
      for (let i = 0; i < inside.length && i < MAX_RELATIVES; i++) out.push(inside[i]);
      const label = el.labels && el.labels[0];
      if (label) out.push(label);
      return out;
    };
    const snapshot = (els) => els.map((e) => look(e, null) + "#" + look(e, "::before") + "#" + look(e, "::after")).join("\n");
    const TEXT = /^(text|search|email|url|tel|password|number|)$/;
    const caret = (el) => (el.localName === "textarea" || (el.localName === "input" && TEXT.test((el.getAttribute("type") || "").toLowerCase())) ||
      el.isContentEditable) && !/rgba\([^)]*,\s*0\)|transparent/.test(getComputedStyle(el).caretColor);
    let mutated = false;
    const observer = new MutationObserver((records) => { if (records.length) mutated = true; });
    const results = [];
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    // Focus the element and compare what `around` paints with and without focus.
    const trial = (el, around) => {
      const before = snapshot(around);
      mutated = false;
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      el.focus({ preventScroll: true });
      const focused = document.activeElement === el;
      settle();
      const after = focused ? snapshot(around) : before;
      observer.takeRecords().forEach(() => { mutated = true; });
      observer.disconnect();
      if (focused) el.blur();
      settle();
      return { focused, changed: after !== before, before };
    };
    for (const el of targets.slice(0, MAX_FOCUS)) {
      const index = numbered(el);
      if (index < 0) continue;
      // The element alone first (most indicators are on it); its relatives only when it did not change.
      let around = [el];
      let t = trial(el, around);
      if (t.focused && !t.changed) {
        around = relatives(el);
        t = trial(el, around);
      }
      const outcome = !t.focused ? "unfocusable" : t.changed ? "changed" : caret(el) ? "caret" :
        mutated ? "mutated" : "unchanged";
      results.push({ el: index, outcome, target: el, around, before: t.before });
    }
    // A page script may show the indication a moment later (a timer after the focus event): every element
    // without a change is focused once more and looked at after a pause; beyond MAX_WAITS the rule cannot tell.
    let waits = 0;
    for (const r of results) {
      if (r.outcome !== "unchanged") continue;
      if (waits++ >= MAX_WAITS) { r.outcome = "unsure"; continue; }
      mutated = false;
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      r.target.focus({ preventScroll: true });
      await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
      settle();
      const later = snapshot(r.around);
      observer.takeRecords().forEach(() => { mutated = true; });
      observer.disconnect();
      r.target.blur();
      settle();
      if (later !== r.before) r.outcome = "changed";
      else if (mutated) r.outcome = "mutated";
    }
    let far = false, unreadableSheets = 0;
    // A selector that restyles something other than the focused element itself: :focus-within, :has(), or a
    // :focus condition on a compound before a combinator ("a:focus + .tips", "li:focus span").
    const FAR = /:focus-within|:has\(/i;
    const reaches = (selector) => selector.split(",").some((one) => {
      const at = one.search(/:focus/i);
      if (at < 0) return false;
      const rest = one.slice(at).replace(/\([^)]*\)/g, "").replace(/^:focus(-visible)?/i, "").trimEnd();
      return /^[^\s>+~]*\s*[>+~\s]\s*\S/.test(rest);
    });
    const scan = (rules) => {
      for (const rule of rules) {
        if (rule instanceof CSSStyleRule && (FAR.test(rule.selectorText) || reaches(rule.selectorText))) far = true;
        else if (rule.cssRules) scan(rule.cssRules);
      }
    };
    for (const sheet of document.styleSheets) {
      try { scan(sheet.cssRules); } catch (e) { unreadableSheets += 1; }
    }
    const plain = results.map((r) => ({ el: r.el, outcome: r.outcome }));
    return { targets: targets.length, results: plain, far, unreadable: unreadableSheets, truncated: targets.length > MAX_FOCUS };
  }

  // --- pointer targets (WCAG 2.2 2.5.8) ---
  function pointerTargets() {
    const MAX_TARGETS = 3000;
    const ROLES = /^(button|link|checkbox|radio|switch|tab|menuitem|menuitemcheckbox|menuitemradio|option|slider|spinbutton|combobox|treeitem|gridcell)$/;
    const SELECTOR = "a[href], button, input, select, textarea, summary, [role]";
    const UA_TAGS = /^(input|select)$/;
    const isTarget = (el) => {
      const role = (el.getAttribute("role") || "").trim().split(/\s+/)[0].toLowerCase();
      if (role && ROLES.test(role)) return true;
      if (role === "presentation" || role === "none") return false;
      const tag = el.localName;
      if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
      if (tag === "summary") return !!el.parentElement && el.parentElement.localName === "details";
      return tag === "a" || tag === "button" || tag === "select" || tag === "textarea";
    };
    // Not a target a pointer can aim at: no pointer events, or visually hidden (transparent, clipped, or a box
    // of 1 px or less; the custom checkbox pattern, where the label is what people click).
    const unseen = (el, r) => {
      const s = getComputedStyle(el);
      if (s.pointerEvents === "none" || r.width <= 1 || r.height <= 1) return true;
      if (s.clip !== "auto" && s.clip !== "" || s.clipPath !== "none") return true;
      for (let p = el; p; p = p.parentElement) if (getComputedStyle(p).opacity === "0") return true;
      return false;
    };
    const found = [];
    for (const el of document.body ? document.body.querySelectorAll(SELECTOR) : []) {
      if (!isTarget(el) || el.closest("[inert]") || el.matches(":disabled") || !shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0 || ((r.width < 24 || r.height < 24) && unseen(el, r))) continue;
      found.push({ node: el, r });
    }
    const nodes = new Set(found.map((t) => t.node));
    const inTarget = (node) => {
      for (let p = node.parentElement; p; p = p.parentElement) if (nodes.has(p)) return true;
      return false;
    };
    // Inline: the target flows in a line box (display inline*) of a block that also holds text of its own
    // (not in any target): its height is set by the line height of that text.
    const inText = (el) => {
      if (!/^inline/.test(getComputedStyle(el).display)) return false;
      let block = el.parentElement;
      while (block && /^(inline|contents)/.test(getComputedStyle(block).display)) block = block.parentElement;
      if (!block) return false;
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (/[^\W_]/.test(n.data) && !inTarget(n) && n.parentElement && shown(n.parentElement)) return true;
      }
      return false;
    };
    // The browser's own size of a form control, measured in a blank frame without the page's styles.
    let frame = null;
    const defaults = new Map();
    const uaSize = (el) => {
      const type = el.localName === "input" ? (el.getAttribute("type") || "text").toLowerCase() : "";
      const key = `${el.localName}/${type}/${el.getAttribute("size") || ""}/${el.multiple ? 1 : 0}`;
      if (!defaults.has(key)) {
        let size = null;
        try {
          if (!frame) {
            frame = document.createElement("iframe");
            frame.setAttribute("aria-hidden", "true");
            frame.style.cssText = "position:absolute;left:-10000px;top:0;width:400px;height:200px;border:0";
            document.documentElement.appendChild(frame);
          }
          const doc = frame.contentDocument;
          const probe = doc.createElement(el.localName);
          if (type) probe.setAttribute("type", type);
          if (el.getAttribute("size")) probe.setAttribute("size", el.getAttribute("size"));
          if (el.multiple) probe.multiple = true;
          for (const o of el.localName === "select" ? el.options : []) probe.appendChild(o.cloneNode(true));
          (doc.body || doc.documentElement).appendChild(probe);
          const b = probe.getBoundingClientRect();
          size = [b.width, b.height];
          probe.remove();
        } catch (e) {
          size = null;
        }
        defaults.set(key, size);
      }
      return defaults.get(key);
    };
    const out = [];
    try {
      for (const { node: el, r } of found.slice(0, MAX_TARGETS)) {
        const small = r.width < 24 || r.height < 24;
        const item = { el: numbered(el), box: [r.left + scrollX, r.top + scrollY, r.width, r.height] };
        if (small && inText(el)) item.inline = true;
        if (small && UA_TAGS.test(el.localName) && getComputedStyle(el).appearance !== "none") {
          const d = uaSize(el);
          if (d && Math.abs(d[0] - r.width) < 0.5 && Math.abs(d[1] - r.height) < 0.5) item.agent = true;
        }
        item.name = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("value") || "").trim().replace(/\s+/g, " ").slice(0, 200);
        if (el.localName === "a") item.href = el.href;
        out.push(item);
      }
    } finally {
      if (frame) frame.remove();
    }
    return { targets: out, truncated: found.length > MAX_TARGETS };
  }
}
