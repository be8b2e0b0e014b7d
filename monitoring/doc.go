// Package monitoring is Docket's observability: Prometheus metrics on an
// injected registry (no globals), zap logging that redacts patient data
// and secrets, and the /healthz and /readyz endpoints.
//
// It imports orchestrator for domain types only; the processes in cmd
// build it and inject it into tasks and bots.
package monitoring
