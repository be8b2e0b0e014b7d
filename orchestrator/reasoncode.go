package orchestrator

import "strings"

// runTaskRef prefixes the ItemRef of a failed run's task ("bot:<bot>").
const runTaskRef = "bot:"

// ReasonCode is the task's reason without the name of a bot or rule that
// some reasons carry after a ':': ReasonBotFailure for a failed run's task
// (its reason is "<run-failure rule>:<bot>"), "rule_failed" for
// "rule_failed:<rule>", and the reason as it is when it has no ':'. What
// it returns is bounded by the rules file and Docket's own reasons, never
// a bot's or rule's name, so metrics can group tasks by it.
func (t HumanTask) ReasonCode() string {
	if t.ItemID == 0 && strings.HasPrefix(t.ItemRef, runTaskRef) {
		return ReasonBotFailure
	}
	code, _, _ := strings.Cut(t.Reason, ":")
	return code
}

// Reasons lists the reasons of tasks Docket opens by itself, as ReasonCode
// returns them.
func Reasons() []string {
	return []string{ReasonBotFailure, ReasonFieldProblems, ReasonQASample, ReasonActionFailed,
		ReasonRuleFailed, ReasonInvalidRecord}
}
