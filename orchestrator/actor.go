package orchestrator

import "strings"

// ActorSystem is the actor of automatic changes (lease and deadline
// sweeps, SLA timers); the change's reason says which rule fired.
const ActorSystem = "system"

// UserActor is the history and audit actor for a person.
func UserActor(name string) string { return "user:" + name }

// ActorName strips the kind from an actor ("user:alice" → "alice").
func ActorName(actor string) string {
	if _, name, ok := strings.Cut(actor, ":"); ok {
		return name
	}
	return actor
}
