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

.PHONY: all build deps test-deps lint-deps a11y-deps services demo test vet lint bench screenshots clean

all: build

deps: ## Chromium, fonts and tini from Debian when missing
	@./.ci/deps

test-deps: lint-deps ## deps, plus promtool, Redis and PostgreSQL binaries the tests start themselves, golangci-lint and axe-core
	@DOCKET_TEST_DEPS=1 ./.ci/deps
	@$(MAKE) --no-print-directory a11y-deps

# axe-core from the npm registry, the version deploy/a11y/package-lock.json
# pins, into bin/npm (gitignored); the journey suite injects its axe.min.js.
AXE := bin/npm/node_modules/axe-core/axe.min.js
a11y-deps: ## axe-core into bin/npm when missing or another version than the lockfile's
	@want="$$(node -p "require('./deploy/a11y/package-lock.json').packages['node_modules/axe-core'].version")"; \
	have="$$(node -p "require('./bin/npm/node_modules/axe-core/package.json').version" 2>/dev/null || true)"; \
	if [ "$$want" != "$$have" ] || [ ! -s $(AXE) ]; then \
	  echo "installing axe-core $$want into bin/npm"; mkdir -p bin/npm; \
	  cp deploy/a11y/package.json deploy/a11y/package-lock.json bin/npm/; \
	  npm ci --prefix bin/npm --no-audit --no-fund --loglevel=error; \
	fi

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
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./tasks/endtoend/
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 60m $$($(GO) list ./... | grep -v -e /bots/benchmark -e /tasks/endtoend)

screenshots: deps a11y-deps ## the README's screens, from the Chromium journey suite on a real demo, into deploy/docs/screenshots
	@DOCKET_SCREENSHOT_DEPS=1 ./.ci/deps
	DOCKET_TEST_README_SHOTS=$(CURDIR)/deploy/docs/screenshots $(GO) test -count=1 -run TestJourneysInChromium -timeout 15m ./cmd/docket/
	pngquant --quality 65-90 --strip --skip-if-larger --force --ext .png deploy/docs/screenshots/*.png
	@du -ch deploy/docs/screenshots/*.png | tail -1

clean:
	rm -rf bin docket-data
