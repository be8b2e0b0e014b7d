// Package polite keeps a fleet of workers polite to each portal: at most
// so many sessions open at once and so many requests a second, counted in
// Redis across every worker, and a fleet-wide pause when a portal answers
// 429 or Retry-After. It implements bots.Politeness and imports nothing of
// Docket's (bots sees it through that interface; cmd wires it).
//
// The request rate is go-redis/redis_rate's GCRA with a burst of one: the
// requests of a portal are spaced evenly, 1/Rate apart (plus 10% for
// the network's jitter), so no one-second window at the portal holds more
// than Rate of them. The session slots are a sorted set per portal whose
// members are the holders and whose scores are their lease expiries; a
// holder refreshes its lease while it holds the slot, so a worker that
// dies frees its slots when their leases run out.
package polite
