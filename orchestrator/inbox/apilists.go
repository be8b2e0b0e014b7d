package inbox

// The API's list and action answers: named so the OpenAPI document
// describes each one (schemas.go).

// QueuesJSON lists the queues with their backlog and aging.
type QueuesJSON struct {
	Queues []QueueStats `json:"queues"`
}

// BotsJSON lists the bots.
type BotsJSON struct {
	Bots []BotViewJSON `json:"bots"`
}

// RunsJSON lists recent runs, newest first.
type RunsJSON struct {
	Runs []RunJSON `json:"runs"`
}

// RunDetailJSON is a run with its evidence records.
type RunDetailJSON struct {
	Run      RunJSON        `json:"run"`
	Evidence []EvidenceJSON `json:"evidence"`
}

// RunStartedJSON is the run "run now" enqueued.
type RunStartedJSON struct {
	Run RunJSON `json:"run"`
}

// PauseJSON is a bot's schedule state after pause or resume.
type PauseJSON struct {
	Bot    string `json:"bot"`
	Paused bool   `json:"paused"`
}

// AuditListJSON is a page of the audit log, newest first: next_before
// continues it (0 on the last page). With after (the older form, oldest
// first) next_after continues it instead.
type AuditListJSON struct {
	Entries    []AuditJSON `json:"entries"`
	NextBefore int64       `json:"next_before"`
	NextAfter  int64       `json:"next_after"`
}

// UsersJSON lists the users.
type UsersJSON struct {
	Users []UserJSON `json:"users"`
}
