# Docket. `make demo` runs the product, `make test` runs the whole suite;
# both install what is missing first.

GO        ?= go
BIN       := bin/docket
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.Version=$(VERSION)

.PHONY: all build deps test-deps services demo test vet bench clean

all: build

deps: ## Chromium, fonts and tini from Debian when missing
	@./.ci/deps

test-deps: ## deps, plus promtool, Redis and PostgreSQL binaries the tests start themselves
	@DOCKET_TEST_DEPS=1 ./.ci/deps

services: ## Redis and PostgreSQL for the tests, started when not running
	@./.ci/services

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/docket

demo: deps build ## run everything in one process
	./$(BIN) demo

vet:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: test-deps services vet ## the whole suite, race detector on; then the scale test's figures
	@mkdir -p bin && rm -f bin/scale-report.txt
	DOCKET_TEST_SCALE_REPORT=$(CURDIR)/bin/scale-report.txt $(GO) test -race -count=1 -timeout 40m ./...
	@cat bin/scale-report.txt

bench: deps services ## benchmarks; figures go in the README
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./bots/benchmark/
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 60m $$($(GO) list ./... | grep -v /bots/benchmark)

clean:
	rm -rf bin docket-data
