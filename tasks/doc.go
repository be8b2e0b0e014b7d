// Package tasks is Docket's asynq contract: task type names, payloads and
// constructors, the handlers that run bots, the recorder that hands what a
// bot reads to the orchestrator's Intake and stores its evidence, the
// periodic scheduler, and the mapping of
// errors to queue behaviour (retry, skip retry).
//
// It imports orchestrator, bots and monitoring; cmd wires it up.
package tasks
