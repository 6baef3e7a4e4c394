# roamcap — build, demo, tests, docs and benchmarks.
# Runs on a fresh Debian machine as root: missing system packages are installed with apt-get.

SWIFT        ?= swift
BUILD_FLAGS  ?= -c release
LIBS         := libpcap-dev libzstd-dev zlib1g-dev pkg-config
# Independent oracles used by tests and benchmarks (tests skip what is missing).
ORACLES      := tshark tcpdump tcpreplay
DOCS_DATE    := 2026-11-22
BIN           = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/roamcap

.PHONY: all deps oracles build demo test docs docs-check bench clean fuzz fuzz-build fuzz-seeds

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
	@$(MAKE) --no-print-directory fuzz SECONDS=$(FUZZ_SECONDS)

# --- Fuzzing (libFuzzer, swiftc -sanitize=fuzzer,address; Linux) -------------------------------
# One target per file in Fuzz/. The decoder and the capture readers are compiled together with
# their module's sources; the loaders and the NAT rewriter link against RoamcapKit built with
# the same instrumentation in .build/fuzz-spm. Seeds: fixtures/ and a slice of ../shared/corpus.
# A crash stops `make fuzz`; its input is in .build/fuzz/crashes/: copy it to
# fixtures/regressions/<target>/ (replayed by RegressionFixtureTests) and fix the bug.
CORPUS       ?= ../shared/corpus
FUZZ_DIR     := .build/fuzz
FUZZ_FLAGS   := -sanitize=fuzzer,address -parse-as-library -O
FUZZ_SPM     := .build/fuzz-spm
SECONDS      ?= 60
ifeq ($(CI),true)
FUZZ_SECONDS ?= 30
else
FUZZ_SECONDS ?= 5
endif
FUZZ_TARGETS := decoder capture-plain capture-gzip capture-zstd rewrite topology scenario migrationtable
FUZZ_LINK     = $$(find $(FUZZ_SPM)/debug/RoamcapKit.build $(FUZZ_SPM)/debug/PacketWire.build \
                  $(FUZZ_SPM)/debug/CaptureFile.build $(FUZZ_SPM)/debug/PacketFilter.build \
                  $(FUZZ_SPM)/debug/Yams.build $(FUZZ_SPM)/debug/CYaml.build -name '*.o' | sort) -lpcap -lzstd -lz
FUZZ_INCLUDES := -I Sources/CZstd -I Sources/CZlib -I Sources/CPcap -I .build/checkouts/Yams/Sources/CYaml/include

fuzz-build: deps
	@mkdir -p $(FUZZ_DIR)
	swiftc $(FUZZ_FLAGS) -module-name PacketWire Sources/PacketWire/*.swift Fuzz/FuzzDecoder.swift \
	  -o $(FUZZ_DIR)/fuzz-decoder 2>&1 | grep -v warning || true
	for t in Plain Gzip Zstd; do \
	  swiftc $(FUZZ_FLAGS) -module-name CaptureFile -I Sources/CZstd -I Sources/CZlib Sources/CaptureFile/*.swift \
	    Fuzz/CaptureFuzzing.swift Fuzz/FuzzCapture$$t.swift -lzstd -lz \
	    -o $(FUZZ_DIR)/fuzz-capture-$$(echo $$t | tr A-Z a-z) 2>&1 | grep -v warning || true; \
	done
	$(SWIFT) build --build-path $(FUZZ_SPM) --target RoamcapKit -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | tail -1
	for t in Rewrite Topology Scenario MigrationTable; do \
	  swiftc -sanitize=fuzzer,address -parse-as-library -I $(FUZZ_SPM)/debug/Modules $(FUZZ_INCLUDES) \
	    Fuzz/Fuzz$$t.swift $(FUZZ_LINK) -o $(FUZZ_DIR)/fuzz-$$(echo $$t | tr A-Z a-z) 2>&1 | grep -v warning || true; \
	done
	@for t in $(FUZZ_TARGETS); do test -x $(FUZZ_DIR)/fuzz-$$t || { echo "fuzz-build: fuzz-$$t missing"; exit 1; }; done

# Seeds per target (copied, so libFuzzer may add to them without touching the originals).
fuzz-seeds:
	@rm -rf $(FUZZ_DIR)/seeds && mkdir -p $(FUZZ_DIR)/seeds
	@for t in $(FUZZ_TARGETS); do mkdir -p $(FUZZ_DIR)/seeds/$$t; done
	@cp fixtures/*.pcap fixtures/*.pcapng fixtures/nat/*.pcapng $(FUZZ_DIR)/seeds/capture-plain/
	@cp fixtures/*.pcapng fixtures/nat/*.pcapng $(FUZZ_DIR)/seeds/rewrite/
	@cp fixtures/*.zst $(FUZZ_DIR)/seeds/capture-zstd/
	@for f in fixtures/*.pcap; do gzip -c $$f > $(FUZZ_DIR)/seeds/capture-gzip/$$(basename $$f).gz; done
	@if [ -d $(CORPUS) ]; then \
	  ls -S -r $(CORPUS)/*.pcap $(CORPUS)/*.pcapng 2>/dev/null | awk 'NR % 8 == 0' | head -80 | \
	    xargs -r cp -t $(FUZZ_DIR)/seeds/capture-plain/; \
	  ls -S -r $(CORPUS)/*.pcap $(CORPUS)/*.pcapng 2>/dev/null | awk 'NR % 16 == 3' | head -40 | \
	    xargs -r cp -t $(FUZZ_DIR)/seeds/rewrite/; \
	  ls $(CORPUS)/*.gz 2>/dev/null | head -10 | xargs -r cp -t $(FUZZ_DIR)/seeds/capture-gzip/; \
	  ls $(CORPUS)/*.zst 2>/dev/null | head -10 | xargs -r cp -t $(FUZZ_DIR)/seeds/capture-zstd/; \
	fi
	@cp fixtures/scenarios/*.topology.yaml $(FUZZ_DIR)/seeds/topology/
	@for f in fixtures/scenarios/*.yaml; do case $$f in *.topology.yaml) ;; *) cp $$f $(FUZZ_DIR)/seeds/scenario/;; esac; done
	@printf '\000- { vm: web-1, primary: 10.1.0.7, new: 10.9.0.7, from: 12.5, until: 60 }\n' > $(FUZZ_DIR)/seeds/migrationtable/yaml
	@printf '\001vm,primary,new,from,until\nweb-1,10.1.0.7,10.9.0.7,0,60\n' > $(FUZZ_DIR)/seeds/migrationtable/csv
	@cp fixtures/nat/moves.ndjson $(FUZZ_DIR)/seeds/migrationtable/ndjson && sed -i '1s/^/\x02/' $(FUZZ_DIR)/seeds/migrationtable/ndjson
	@for f in $(FUZZ_DIR)/seeds/capture-plain/*; do head -c 1600 $$f > $(FUZZ_DIR)/seeds/decoder/$$(basename $$f); done
	@for t in $(FUZZ_TARGETS); do if [ -d fixtures/regressions/$$t ]; then cp fixtures/regressions/$$t/* $(FUZZ_DIR)/seeds/$$t/ 2>/dev/null || true; fi; done

# make fuzz SECONDS=N: each target for N seconds (make test: FUZZ_SECONDS each, 30 in CI).
fuzz: fuzz-build fuzz-seeds
	@mkdir -p $(FUZZ_DIR)/crashes; failed=0; \
	for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_DIR)/fuzz-$$t -max_total_time=$(SECONDS) -rss_limit_mb=2048 -timeout=20 -max_len=262144 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t- -print_final_stats=1 $(FUZZ_DIR)/seeds/$$t \
	    > $(FUZZ_DIR)/$$t.log 2>&1; rc=$$?; \
	  runs=$$(grep -a 'stat::number_of_executed_units' $(FUZZ_DIR)/$$t.log | awk '{print $$2}'); \
	  if [ $$rc -ne 0 ]; then failed=1; echo "fuzz-$$t: CRASH (exit $$rc), see $(FUZZ_DIR)/$$t.log and $(FUZZ_DIR)/crashes/"; \
	  else echo "fuzz-$$t: $${runs:-?} runs in $(SECONDS) s, 0 crashes"; fi; \
	done; exit $$failed

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
