package orchestrator

import (
	"strconv"
	"time"
)

// AuditEntry is one append-only, hash-chained record of an action taken by
// a person or a bot.
type AuditEntry struct {
	Seq      int64
	At       time.Time
	Actor    string // "run:<id>", "user:<name>", "system"
	Action   string // e.g. "run.finished", "item.created"
	Subject  string // what it acted on, e.g. "item:42", "run:<id>"
	Detail   string // short, never PHI or secrets
	PrevHash string
	Hash     string
}

// ChainHash computes the entry's hash from its fields and PrevHash.
func (a AuditEntry) ChainHash() string {
	return chainHash(a.PrevHash, strconv.FormatInt(a.Seq, 10), chainTime(a.At), a.Actor, a.Action, a.Subject, a.Detail)
}
