# roamcap — build, demo, tests, docs and benchmarks.
# Runs on a fresh Debian machine as root: missing system packages are installed with apt-get.

SWIFT        ?= swift
BUILD_FLAGS  ?= -c release
LIBS         := libpcap-dev libzstd-dev zlib1g-dev pkg-config
# Independent oracles used by tests and benchmarks (tests skip what is missing).
ORACLES      := tshark tcpdump tcpreplay jq arpwatch chromium
DOCS_DATE    := 2026-11-22
BIN           = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/roamcap

.PHONY: all deps oracles build demo test docs docs-check bench clean

all: build

# Installs the C libraries (and pkg-config) when any is missing.
deps:
	@missing=""; for p in $(LIBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Installs tshark, tcpdump and tcprewrite when missing; tolerated to fail off Debian or without root.
oracles:
	@missing=""; for p in $(ORACLES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	    || echo "warning: could not install$$missing; oracle tests will be skipped"; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product roamcap

# The main job on the bundled multi-site scenario.
demo: build
	@./fixtures/demo.sh "$(BIN)"

test: deps oracles
	$(SWIFT) build --build-tests
	ROAMCAP_BIN="$$($(SWIFT) build --show-bin-path)/roamcap" $(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory docs-check

# Regenerates the man pages and shell completions from the argument parser.
docs: deps
	$(SWIFT) build --product roamcap
	rm -rf man && mkdir -p man completions
	$(SWIFT) package --allow-writing-to-directory man generate-manual --multi-page \
	  --date $(DOCS_DATE) --output-directory man
	b="$$($(SWIFT) build --show-bin-path)/roamcap"; \
	$$b --generate-completion-script bash > completions/roamcap.bash; \
	$$b --generate-completion-script zsh > completions/_roamcap; \
	$$b --generate-completion-script fish > completions/roamcap.fish

# Fails when the committed man pages or completions differ from a fresh generation.
docs-check:
	@tmp=$$(mktemp -d); \
	$(SWIFT) package --allow-writing-to-directory $$tmp generate-manual --multi-page \
	  --date $(DOCS_DATE) --output-directory $$tmp >/dev/null 2>&1 || { echo "docs-check: generate-manual failed"; exit 1; }; \
	if diff -r man $$tmp >/dev/null; then echo "docs-check: man pages match the argument parser: 1 passed, 0 failed"; \
	else echo "docs-check: man/ is stale, run 'make docs': 0 passed, 1 failed"; diff -r man $$tmp | head -20; rm -rf $$tmp; exit 1; fi; \
	rm -rf $$tmp

bench: deps oracles
	$(SWIFT) build $(BUILD_FLAGS) --product roamcap
	$(SWIFT) build $(BUILD_FLAGS) --product roamcap-bench
	"$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/roamcap-bench" \
	  --roamcap "$(BIN)" --work bench-out

clean:
	rm -rf .build bench-out
