// Package endtoend measures Docket as users run it (`make bench`): the
// coding-holds bot against the demo portal's defaults, through the real
// task runner, recorder, store (SQLite and PostgreSQL), file evidence
// store and the example routing rules, beside the same bot with a
// counting recorder (the bot alone) in the same invocation, and a second
// run over the unchanged portal. It holds no production code.
package endtoend
