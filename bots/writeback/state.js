// Reads the texts of each named element (every match of its first
// matching candidate) in one evaluation. spec maps names to candidates
// ({kind: "css"|"xpath", value}) from the selector file; this script holds
// no selector of its own.
(spec) => {
  const all = (c) => {
    if (c.kind === "css") return Array.from(document.querySelectorAll(c.value));
    const snap = document.evaluate(c.value, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let i = 0; i < snap.snapshotLength; i++) {
      const n = snap.snapshotItem(i);
      if (n.nodeType === 1) out.push(n);
    }
    return out;
  };
  const out = {};
  for (const [name, cands] of Object.entries(spec)) {
    out[name] = { index: -1, texts: [] };
    for (let i = 0; i < cands.length; i++) {
      const els = all(cands[i]);
      if (els.length > 0) {
        out[name] = { index: i, texts: els.map((e) => e.textContent || "") };
        break;
      }
    }
  }
  return out;
}
