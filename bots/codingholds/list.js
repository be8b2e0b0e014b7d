// Reads one worklist page in a single evaluation. spec maps the element
// names the bot needs to their candidates from the selector file ({kind:
// "css"|"xpath", value}); this script holds no selector of its own.
(spec) => {
  const all = (root, c) => {
    if (c.kind === "css") return Array.from(root.querySelectorAll(c.value));
    const doc = root.ownerDocument || root;
    const expr = root === doc || !c.value.startsWith("/") ? c.value : "." + c.value;
    const snap = doc.evaluate(expr, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let i = 0; i < snap.snapshotLength; i++) {
      const n = snap.snapshotItem(i);
      if (n.nodeType === 1) out.push(n);
    }
    return out;
  };
  const first = (root, cands) => {
    for (let i = 0; i < cands.length; i++) {
      const els = all(root, cands[i]);
      if (els.length > 0) return { index: i, els };
    }
    return null;
  };
  const out = { rows: [], next: "", empty: false, misses: [], matched: {} };
  const rows = first(document, spec.rows.candidates);
  if (rows) out.matched[spec.rows.name] = rows.index;
  for (const row of rows ? rows.els : []) {
    const link = first(row, spec.link.candidates);
    if (!link) {
      out.misses.push(spec.link.name);
      break;
    }
    out.matched[spec.link.name] = link.index;
    const a = link.els[0];
    out.rows.push({ account: (a.textContent || "").trim(), href: a.href || "" });
  }
  const next = first(document, spec.next.candidates);
  if (next) {
    out.matched[spec.next.name] = next.index;
    out.next = next.els[0].href || "";
  }
  const empty = first(document, spec.empty.candidates);
  if (empty) {
    out.matched[spec.empty.name] = empty.index;
    out.empty = true;
  }
  return out;
}
