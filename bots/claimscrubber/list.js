// Reads the list page the browser shows (batches or claims) in a single
// evaluation. spec holds the selector file's candidates for rows, the
// link in a row, the next-page link, the empty-list notice and,
// optionally, the export link; this script holds no selector of its own.
// Pages read without the browser are read by lists.go the same way.
(spec) => {
  /* find */
  const out = { rows: [], next: "", exportHref: "", empty: false, misses: [], matched: {} };
  const doc = document;
  const href = (a) => a.href || "";
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
