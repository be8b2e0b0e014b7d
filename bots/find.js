  // all returns the elements candidate c ({css} or {xpath}) selects under
  // root; an absolute XPath is read from root when root is a row.
  const all = (root, c) => {
    if (c.css) return Array.from(root.querySelectorAll(c.css));
    const doc = root.ownerDocument || root;
    const expr = root.nodeType !== 9 && c.xpath.startsWith("/") ? "." + c.xpath : c.xpath;
    const snap = doc.evaluate(expr, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let k = 0; k < snap.snapshotLength; k++) {
      const n = snap.snapshotItem(k);
      if (n.nodeType === 1) out.push(n);
    }
    return out;
  };
  // first returns the elements matched by the first candidate of el that
  // matches anything under root, and that candidate's index.
  const first = (root, el) => {
    if (!el) return null;
    for (let i = 0; i < el.candidates.length; i++) {
      let els = [];
      try {
        els = all(root, el.candidates[i]);
      } catch (e) {
        continue; // a candidate this browser cannot evaluate matches nothing
      }
      if (els.length > 0) return { index: i, els };
    }
    return null;
  };
  const text = (node) => (node ? node.textContent || "" : "");
