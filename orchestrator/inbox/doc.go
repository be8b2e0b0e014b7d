// Package inbox is Docket's web UI and JSON API for people: for now the
// read-only status page of bots, runs and queue counts (no patient data);
// the exception inbox builds here. Server-rendered html/template with
// embedded assets and stdlib routing. It imports orchestrator only.
package inbox
