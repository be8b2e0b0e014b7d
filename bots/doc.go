// Package bots is Docket's bot runtime: a pool of system-Chromium browsers
// (go-rod) handing out one isolated incognito context per run, steps that
// run under deadlines taken from the task context, and screenshots.
//
// Each bot lives in its own subpackage (codingholds, ...) and implements
// Bot. Bots import orchestrator and selectors; they never contain a
// selector string. bots/portalsim, the demo portals, imports neither.
package bots
