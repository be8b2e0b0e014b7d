// Downloads one file (the CSV export) from inside the logged-in page and
// returns it as text with the headers that say what it is; the browser's
// download machinery is not involved. spec.maintenance is the selector
// file's maintenance notice, checked on an error page.
async (url, spec) => {
  /* find */
  const res = { status: 0, redirected: false, maintenance: false, contentType: "", disposition: "", text: "", error: "" };
  try {
    const r = await fetch(url, { credentials: "same-origin", redirect: "follow" });
    res.status = r.status;
    res.redirected = r.redirected;
    res.contentType = r.headers.get("Content-Type") || "";
    res.disposition = r.headers.get("Content-Disposition") || "";
    res.text = await r.text();
  } catch (e) {
    res.error = "fetch failed";
    return res;
  }
  if (res.status >= 500) {
    const doc = new DOMParser().parseFromString(res.text, "text/html");
    res.maintenance = first(doc, spec.maintenance) !== null;
    res.text = "";
  }
  return res;
}
