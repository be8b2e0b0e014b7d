// Fetches claim pages from inside the logged-in page (same origin, the
// session cookie goes along) and extracts the claim header and the edit
// table, in one evaluation per batch. spec holds the selector file's
// candidates per element; this script holds no selector of its own.
async (urls, spec) => {
  /* find */
  const read = (doc, res) => {
    const use = (root, el) => {
      const m = first(root, el);
      if (m) res.matched[el.name] = m.index;
      else if (!el.optional && root === doc) res.misses.push(el.name);
      return m;
    };
    const rows = use(doc, spec.fieldRows);
    res.header = [];
    for (const row of rows ? rows.els : []) {
      const label = use(row, spec.label);
      const value = use(row, spec.value);
      if (label && value) res.header.push([text(label.els[0]), text(value.els[0])]);
    }
    if (rows && res.header.length === 0) res.misses.push(spec.label.name);
    const headers = use(doc, spec.editHeaders);
    res.editHeaders = headers ? headers.els.map(text) : [];
    const edits = use(doc, spec.editRows);
    res.edits = (edits ? edits.els : []).map((row) => {
      const cells = use(row, spec.cell);
      return cells ? cells.els.map(text) : [];
    });
    if (res.edits.length > 0 && res.edits.every((c) => c.length === 0)) res.misses.push(spec.cell.name);
  };
  const one = async (url) => {
    const res = { url, status: 0, redirected: false, maintenance: false, html: "", error: "", misses: [], matched: {} };
    try {
      const r = await fetch(url, { credentials: "same-origin", redirect: "follow" });
      res.status = r.status;
      res.redirected = r.redirected;
      res.html = await r.text();
    } catch (e) {
      res.error = "fetch failed";
      return res;
    }
    const doc = new DOMParser().parseFromString(res.html, "text/html");
    if (res.status >= 500) {
      res.maintenance = first(doc, spec.maintenance) !== null;
    } else if (res.status === 200 && !res.redirected) {
      read(doc, res);
    }
    return res;
  };
  return Promise.all(urls.map(one));
}
