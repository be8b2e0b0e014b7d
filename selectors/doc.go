// Package selectors is Docket's selector repository: how to find things on
// each portal, kept as data so a portal layout change is fixed by editing
// a YAML file instead of a bot.
//
// There is one file per portal and layout version,
// portals/<portal>/<version>.yaml, embedded in the binary; portals whose
// bots are flows keep theirs in their portal pack (bots/packs, read with
// ReadLayouts). A file names
// elements, each with an ordered list of candidate selectors (css, xpath
// or text; the first that matches wins, later ones are fallbacks), a
// marker element that tells the layout apart from the portal's others, and
// field groups that map the labels or column headings a page shows to
// typed fields with a parser and validator (text, date, money, int, bool,
// icd10cm, procedure for CPT/HCPCS, modifiers, npi, drg). Text is also
// checked for markup and length. A field that fails yields a *FieldError
// whose Rule never contains the value.
//
// Load, LoadVersion and LoadLayouts read the embedded files; LoadDir reads an override
// directory with the same layout, and Catalog.With lays it over the
// embedded set. Decoding is strict: an unknown key, an element without
// candidates or an unknown parser is an error naming the file and key.
//
// selectors imports only the standard library and the YAML decoder; bots
// import it, never the other way round.
package selectors
