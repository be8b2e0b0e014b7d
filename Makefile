# Docket. `make demo` runs the product, `make test` runs the whole suite;
# both install what is missing first.

GO        ?= go
BIN       := bin/docket
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.Version=$(VERSION)
# golangci-lint is installed into bin/ through the module proxy, not pinned
# in go.mod: a tool directive would add about 190 modules to go.mod and
# move two the product builds with (go.yaml.in/yaml/v4, jsonschema).
GOLANGCI_LINT_VERSION := 2.15.0
GOLANGCI_LINT := bin/golangci-lint

.PHONY: all build deps test-deps lint-deps services demo test vet lint bench clean

all: build

deps: ## Chromium, fonts and tini from Debian when missing
	@./.ci/deps

test-deps: lint-deps ## deps, plus promtool, Redis and PostgreSQL binaries the tests start themselves, and golangci-lint
	@DOCKET_TEST_DEPS=1 ./.ci/deps

lint-deps: ## golangci-lint into bin/ when missing, another version, or built by another Go
	@v="$$($(GOLANGCI_LINT) version 2>/dev/null)"; \
	case "$$v" in \
	*"version $(GOLANGCI_LINT_VERSION) built with $$($(GO) env GOVERSION) "*) ;; \
	*) echo "installing golangci-lint v$(GOLANGCI_LINT_VERSION) into bin/"; rm -f $(GOLANGCI_LINT); \
	   GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION) ;; \
	esac

services: ## Redis and PostgreSQL for the tests, started when not running
	@./.ci/services

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/docket

demo: deps build ## run everything in one process
	./$(BIN) demo

vet:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

lint: lint-deps ## .golangci.yml: the import directions (depguard), govet, errcheck, staticcheck, unused, ineffassign
	$(GOLANGCI_LINT) run ./...

test: test-deps services vet lint ## the whole suite, race detector on; then the scale test's figures
	@mkdir -p bin && rm -f bin/scale-report.txt
	DOCKET_TEST_SCALE_REPORT=$(CURDIR)/bin/scale-report.txt $(GO) test -race -count=1 -timeout 40m ./...
	@cat bin/scale-report.txt

bench: deps services ## benchmarks; figures go in the README
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./bots/benchmark/
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 60m $$($(GO) list ./... | grep -v /bots/benchmark)

clean:
	rm -rf bin docket-data
