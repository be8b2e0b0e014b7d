// Package writeback is the "writeback" bot: it performs one portal action
// a person decided in the inbox (add a note to an account, route it to a
// work queue, release a hold), idempotently. It signs in, opens the
// account, reads its current state, acts only when the account is not
// already in the state asked for, reads the state again to confirm, and
// keeps screenshots from before and after.
//
// The request reaches the bot as a typed argument: RunRequest takes it,
// and the task layer's writeback:run job builds it from the resolved task
// in the store. Run (the bots.Bot interface) refuses, since a plain bot
// run carries no request.
//
// writeback imports bots, orchestrator and selectors; like every bot it
// holds no selector string (the selector file names the elements and the
// account page's path).
package writeback
