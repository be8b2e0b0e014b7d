// Package tasks is Docket's asynq contract: task type names, payloads and
// constructors, the handlers that run bots, the recorder that applies what
// a bot reads to the work queue, the periodic scheduler, and the mapping of
// errors to queue behaviour (retry, skip retry).
//
// It imports orchestrator, bots and monitoring; cmd wires it up.
package tasks
