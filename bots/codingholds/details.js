// Fetches detail pages from inside the logged-in page (same origin, the
// session cookie goes along) and extracts what the bot parses, in one
// evaluation per batch. spec holds the selector file's candidates per
// element ({kind: "css"|"xpath", value}); this script holds no selector of
// its own.
async (urls, spec) => {
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
  const first = (root, el) => {
    for (let i = 0; i < el.candidates.length; i++) {
      const els = all(root, el.candidates[i]);
      if (els.length > 0) return { index: i, els };
    }
    return null;
  };
  const text = (node) => (node ? node.textContent || "" : "");
  const read = (doc, res) => {
    const use = (el) => {
      const m = first(doc, el);
      if (m) res.matched[el.name] = m.index;
      else if (!el.optional) res.misses.push(el.name);
      return m;
    };
    const cellOf = (row, el) => {
      const m = first(row, el);
      if (m) res.matched[el.name] = m.index;
      return m;
    };
    const pairs = (rowsEl) => {
      const rows = use(rowsEl);
      if (!rows) return null;
      const kv = [];
      for (const row of rows.els) {
        const label = cellOf(row, spec.label);
        const value = cellOf(row, spec.value);
        if (label && value) kv.push([text(label.els[0]), text(value.els[0])]);
      }
      return kv;
    };
    res.fields = pairs(spec.fieldRows) || [];
    const headers = use(spec.reasonHeaders);
    res.reasonHeaders = headers ? headers.els.map(text) : [];
    const reasons = first(doc, spec.reasonRows);
    if (reasons) res.matched[spec.reasonRows.name] = reasons.index;
    res.reasons = reasons
      ? reasons.els.map((row) => {
          const cells = cellOf(row, spec.cell);
          return cells ? cells.els.map(text) : [];
        })
      : [];
    res.query = pairs(spec.queryRows);
    const defs = use(spec.deficiencies);
    res.deficiencies = defs ? defs.els.map(text) : [];
  };
  const one = async (url) => {
    const res = { url, status: 0, finalUrl: "", redirected: false, maintenance: false, html: "", misses: [], matched: {} };
    try {
      const r = await fetch(url, { credentials: "same-origin", redirect: "follow" });
      res.status = r.status;
      res.finalUrl = r.url;
      res.redirected = r.redirected;
      res.html = await r.text();
    } catch (e) {
      res.status = 0; // the connection failed: retried like a 5xx
      return res;
    }
    const doc = new DOMParser().parseFromString(res.html, "text/html");
    if (!res.status || res.status >= 500) {
      res.maintenance = first(doc, spec.maintenance) !== null;
      res.html = "";
    } else if (res.status < 400 && !res.redirected) {
      read(doc, res);
    } else {
      res.html = "";
    }
    return res;
  };
  return Promise.all(urls.map(one));
}
