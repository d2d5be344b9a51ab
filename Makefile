# Storefront — `make run` serves the shop on the simulator; `make test` runs every test.
GO ?= go
BIN := bin/storefront
TEMPL_SRC := $(shell find views -name '*.templ')
TEMPL_GO := $(TEMPL_SRC:.templ=_templ.go)

.PHONY: run dev build test test-postgres generate lint bench help
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: build ## build and serve the shop on http://localhost:4242 (simulator, SQLite, demo catalog)
	./$(BIN) serve

# make dev: templ's watch mode regenerates views, restarts the shop on Go and templ changes and reloads the browser
# through its proxy (BASE_URL is the proxy); ASSETS_DIR serves CSS and JS from disk, so their edits show on a reload.
DEV_PORT ?= 4242
DEV_PROXY_PORT ?= 7331
dev: ## live reload on http://127.0.0.1:7331 (restarts on Go/templ changes, reloads the browser; CSS/JS read from disk)
	PORT=$(DEV_PORT) BASE_URL=http://127.0.0.1:$(DEV_PROXY_PORT) ASSETS_DIR=assets \
	$(GO) tool templ generate --watch --proxy=http://127.0.0.1:$(DEV_PORT) --proxyport=$(DEV_PROXY_PORT) \
		--log-level=warn --cmd="$(GO) run . serve"

build: $(TEMPL_GO) ## build bin/storefront
	$(GO) build -o $(BIN) .

$(TEMPL_GO) &: $(TEMPL_SRC)
	$(GO) tool templ generate

generate: ## regenerate templ code (commit the result)
	$(GO) tool templ generate

test: ## run the whole suite (SQLite; PostgreSQL too when TEST_POSTGRES_URL is set)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 12m ./...
	@if [ -n "$$TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_POSTGRES_URL not set: PostgreSQL suite skipped"; fi

test-postgres: ## run the database-backed suites on PostgreSQL (needs TEST_POSTGRES_URL)
	TEST_DB=postgres $(GO) test -count=1 -timeout 12m ./app/... ./models/...

lint: ## gofmt, go vet, go mod tidy -diff and staticcheck (pinned in go.mod); fails on any finding
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt would change:" $$out >&2; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags bench ./app/
	$(GO) mod tidy -diff
	$(GO) tool staticcheck ./...

bench: $(TEMPL_GO) ## Go benchmarks, then the load run against bin/storefront-bench; CPU and heap profiles in bin/profiles (bench/README.md)
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 20m ./...
	$(GO) build -tags bench -o bin/storefront-bench .
	$(GO) run ./bench/loadtest -bin bin/storefront-bench -profiles bin/profiles $(if $(TEST_POSTGRES_URL),-postgres '$(TEST_POSTGRES_URL)')
