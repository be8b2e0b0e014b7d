// Reads a table-like list the browser shows in a single evaluation
// (ReadTable): the column headers' texts and, for every row, its cells'
// texts. spec holds the selector file's candidates for the headers, the
// rows and the cell in a row; this script holds no selector of its own.
(spec) => {
  /* find */
  const out = { headers: [], rows: [], matched: {} };
  const use = (root, el) => {
    const m = first(root, el);
    if (m) out.matched[el.name] = m.index;
    return m;
  };
  const headers = use(document, spec.headers);
  for (const h of headers ? headers.els : []) out.headers.push(text(h).trim());
  const rows = use(document, spec.rows);
  for (const row of rows ? rows.els : []) {
    const cells = use(row, spec.cell);
    out.rows.push(cells ? cells.els.map((c) => text(c).trim()) : []);
  }
  return out;
}
