// Command docket is the one binary of Docket, an RPA orchestrator for
// healthcare revenue-cycle queue automation: web inbox, workers, scheduler,
// demo portals and operations, each a subcommand. It is the only package
// that reads flags and the environment.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
