package orchestrator

import "time"

// AuditQuery narrows the audit log for people reading it: newest first, a
// page at a time. Zero fields match everything.
type AuditQuery struct {
	// Actor keeps entries by this actor ("user:alice", "run:<id>",
	// "system"); a bare name also matches the user of that name.
	Actor string
	// Action keeps entries with this action ("task.claimed"); one that
	// ends with "." keeps every action it starts ("task.").
	Action string
	// Object keeps entries on this object or under it, wherever it sits in
	// the subject's path: "task:32" matches "item:5/task:32", "item:5"
	// matches "item:5" and "item:5/task:32" but not "item:50". One that
	// ends with ":" matches every object of that kind ("run:").
	Object string
	// From and Until keep entries with From <= At < Until.
	From, Until time.Time
	// BeforeSeq continues a listing: entries with Seq < BeforeSeq (0: from
	// the newest).
	BeforeSeq int64
	Limit     int // default 100
}

// TaskFacets are the values the inbox's select filters offer, read from
// the data: the reasons open tasks carry and every payer a task has
// carried, each sorted and distinct.
type TaskFacets struct {
	Reasons []string
	Payers  []string
}
