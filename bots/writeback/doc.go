// Package writeback is the "writeback" bot: it performs one portal action
// a person decided in the inbox (add a note to an account, route it to a
// work queue, release a hold), idempotently. It signs in, opens the
// account, reads its current state, acts only when the account is not
// already in the state asked for, reads the state again to confirm, and
// keeps screenshots from before and after.
//
// The request reaches the bot per run: RunRequest takes it directly, and
// Run (the bots.Bot interface) reads it from the context (WithRequest),
// where the task layer puts it from the task payload.
//
// writeback imports bots, orchestrator and selectors; like every bot it
// holds no selector string (the selector file names the elements and the
// account page's path).
package writeback
