  // first returns the elements matched by the first candidate of el that
  // matches anything under root, and that candidate's index. A candidate
  // is {css} or {xpath}; an absolute XPath is made relative to a row.
  const first = (root, el) => {
    if (!el) return null;
    for (let i = 0; i < el.candidates.length; i++) {
      const c = el.candidates[i];
      let els = [];
      try {
        if (c.css) {
          els = Array.from(root.querySelectorAll(c.css));
        } else {
          const doc = root.ownerDocument || root;
          const expr = root.nodeType !== 9 && c.xpath.startsWith("/") ? "." + c.xpath : c.xpath;
          const snap = doc.evaluate(expr, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
          for (let k = 0; k < snap.snapshotLength; k++) els.push(snap.snapshotItem(k));
        }
      } catch (e) {
        continue; // a candidate this browser cannot evaluate matches nothing
      }
      if (els.length > 0) return { index: i, els };
    }
    return null;
  };
  const text = (node) => (node ? node.textContent || "" : "");
