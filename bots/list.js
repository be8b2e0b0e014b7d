// Reads the list page the browser shows in a single evaluation (ReadList).
// spec holds the selector file's candidates for the rows, the link in a
// row, the next-page link, the empty-list notice and, optionally, another
// link (export); this script holds no selector of its own.
(spec) => {
  /* find */
  const out = { rows: [], next: "", exportHref: "", empty: false, misses: [], matched: {} };
  const use = (root, el) => {
    const m = first(root, el);
    if (m) out.matched[el.name] = m.index;
    return m;
  };
  const rows = use(document, spec.rows);
  for (const row of rows ? rows.els : []) {
    const link = use(row, spec.link);
    if (!link) {
      out.misses.push(spec.link.name);
      break;
    }
    const a = link.els[0];
    out.rows.push({ text: text(a).trim(), href: a.href || "" });
  }
  const next = use(document, spec.next);
  if (next) out.next = next.els[0].href || "";
  if (use(document, spec.empty)) out.empty = true;
  if (spec.export) {
    const ex = use(document, spec.export);
    if (ex) out.exportHref = ex.els[0].href || "";
    else out.misses.push(spec.export.name);
  }
  return out;
}
