// Package orchestrator is Docket's domain: bots, bot runs, work items and
// their history, human tasks, evidence references and the audit log, plus
// the interfaces the adapters implement.
//
// It imports nothing of Docket's and no asynq, rod, HTTP or SQL driver.
// Adapters (sqlstore, evidence, inbox) import it; it never imports them.
package orchestrator
