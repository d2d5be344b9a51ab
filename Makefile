# Storefront — `make run` serves the shop on the simulator; `make test` runs every test.
GO ?= go
BIN := bin/storefront
TEMPL_SRC := $(shell find views -name '*.templ')
TEMPL_GO := $(TEMPL_SRC:.templ=_templ.go)

.PHONY: run build test test-postgres generate lint bench help
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: build ## build and serve the shop on http://localhost:4242 (simulator, SQLite, demo catalog)
	./$(BIN) serve

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

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

bench: build ## Go benchmarks, then the load run against bin/storefront; CPU and heap profiles in bin/profiles (bench/README.md)
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 20m ./...
	$(GO) run ./bench/loadtest -bin $(BIN) -profiles bin/profiles $(if $(TEST_POSTGRES_URL),-postgres '$(TEST_POSTGRES_URL)')
