// Reads one list page (batches or claims) in a single evaluation: the page
// the browser shows, or, when url is given, that page fetched from inside
// the signed-in page (same origin, the session cookie goes along) without
// navigating to it. spec holds the selector file's candidates for rows,
// the link in a row, the next-page link, the empty-list notice, the
// maintenance notice and, optionally, the export link; this script holds
// no selector of its own.
async (spec, url) => {
  /* find */
  const out = { status: 200, redirected: false, maintenance: false, error: "",
    rows: [], next: "", exportHref: "", empty: false, misses: [], matched: {} };
  let doc = document;
  let base = "";
  if (url) {
    try {
      const r = await fetch(url, { credentials: "same-origin", redirect: "follow" });
      out.status = r.status;
      out.redirected = r.redirected;
      base = r.url;
      doc = new DOMParser().parseFromString(await r.text(), "text/html");
    } catch (e) {
      out.status = 0;
      out.error = "fetch failed";
      return out;
    }
    if (out.status >= 500) out.maintenance = first(doc, spec.maintenance) !== null;
    if (out.status >= 400 || out.redirected) return out;
  }
  // A fetched document's links resolve against the address it came from.
  const href = (a) => {
    if (!base) return a.href || "";
    const h = a.getAttribute("href");
    return h === null ? "" : new URL(h, base).href;
  };
  const use = (root, el) => {
    const m = first(root, el);
    if (m) out.matched[el.name] = m.index;
    return m;
  };
  const rows = use(doc, spec.rows);
  for (const row of rows ? rows.els : []) {
    const link = use(row, spec.link);
    if (!link) {
      out.misses.push(spec.link.name);
      break;
    }
    const a = link.els[0];
    out.rows.push({ text: text(a).trim(), href: href(a) });
  }
  const next = use(doc, spec.next);
  if (next) out.next = href(next.els[0]);
  if (use(doc, spec.empty)) out.empty = true;
  if (spec.exportLink) {
    const ex = use(doc, spec.exportLink);
    if (ex) out.exportHref = href(ex.els[0]);
    else out.misses.push(spec.exportLink.name);
  }
  return out;
}
