# roamcap — build, demo, tests, docs and benchmarks.
# Runs on a fresh Debian machine as root: missing system packages are installed with apt-get.

SWIFT        ?= swift
BUILD_FLAGS  ?= -c release
LIBS         := libpcap-dev libzstd-dev zlib1g-dev pkg-config
# Independent oracles used by tests and benchmarks (tests skip what is missing).
ORACLES      := tshark tcpdump tcpreplay jq arpwatch libxml2-utils chromium
DOCS_DATE    := 2026-11-22
BIN           = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/roamcap

.PHONY: all deps oracles build demo test docs docs-check bench clean fuzz fuzz-build fuzz-seeds man-tool

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
	$(MAKE) -C integrations/dask test
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
# The instrumented library's objects, copied under names without spaces (swift-collections has
# files such as 'Integer rank.swift'), linked into the library-level targets.
FUZZ_OBJECTS := RoamcapKit PacketWire CaptureFile PacketFilter Yams CYaml HeapModule InternalCollectionsUtilities
FUZZ_LINK     = $(FUZZ_DIR)/objects/*.o -lpcap -lzstd -lz
FUZZ_INCLUDES := -I Sources/CZstd -I Sources/CZlib -I Sources/CPcap -I .build/checkouts/Yams/Sources/CYaml/include

fuzz-build: deps
	@mkdir -p $(FUZZ_DIR) && $(SWIFT) package resolve >/dev/null
	swiftc $(FUZZ_FLAGS) -module-name PacketWire Sources/PacketWire/*.swift Fuzz/FuzzDecoder.swift \
	  -o $(FUZZ_DIR)/fuzz-decoder 2>&1 | grep -v warning || true
	for t in Plain Gzip Zstd; do \
	  swiftc $(FUZZ_FLAGS) -module-name CaptureFile -I Sources/CZstd -I Sources/CZlib Sources/CaptureFile/*.swift \
	    Fuzz/CaptureFuzzing.swift Fuzz/FuzzCapture$$t.swift -lzstd -lz \
	    -o $(FUZZ_DIR)/fuzz-capture-$$(echo $$t | tr A-Z a-z) 2>&1 | grep -v warning || true; \
	done
	$(SWIFT) build --build-path $(FUZZ_SPM) --target RoamcapKit -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | tail -1
	@rm -rf $(FUZZ_DIR)/objects && mkdir -p $(FUZZ_DIR)/objects && n=0 && \
	  for m in $(FUZZ_OBJECTS); do find $(FUZZ_SPM)/debug/$$m.build -name '*.o'; done | sort | \
	  while IFS= read -r f; do n=$$((n + 1)); cp "$$f" $(FUZZ_DIR)/objects/$$n.o; done
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
	@mkdir -p $(FUZZ_DIR)/crashes; failed=0; passed=0; \
	for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_DIR)/fuzz-$$t -max_total_time=$(SECONDS) -rss_limit_mb=2048 -timeout=20 -max_len=262144 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t- -print_final_stats=1 $(FUZZ_DIR)/seeds/$$t \
	    > $(FUZZ_DIR)/$$t.log 2>&1; rc=$$?; \
	  runs=$$(grep -a 'stat::number_of_executed_units' $(FUZZ_DIR)/$$t.log | awk '{print $$2}'); \
	  if [ $$rc -ne 0 ]; then failed=$$((failed + 1)); echo "fuzz-$$t: CRASH (exit $$rc), see $(FUZZ_DIR)/$$t.log and $(FUZZ_DIR)/crashes/"; \
	  else passed=$$((passed + 1)); echo "fuzz-$$t: $${runs:-?} runs in $(SECONDS) s, 0 crashes"; fi; \
	done; echo "fuzz: $$passed passed, $$failed failed"; test $$failed -eq 0

# Regenerates the man pages and shell completions from the argument parser.
#
# The man pages come from ArgumentParser's generate-manual, built here from the checked-out
# package with one change: its escaping drops every non-ASCII character ("200 µs" became
# "200 s", "SPEC §3" "SPEC 3", arrows vanished). The patched copy writes each such character
# as a placeholder that `man-fix` turns into a groff \[uXXXX] escape; man-fix also writes
# roamcap's exit codes in the EXIT STATUS section (the tool's `.Ex -std` says only "0 or more")
# and adds the EXAMPLES of docs/examples/PAGE.txt ("$ " lines are commands).
# docs and docs-check share both steps, so they compare like with like.
MAN_TOOL_DIR := .build/manual-tool
MAN_TOOL      = $(MAN_TOOL_DIR)/.build/debug/generate-manual

man-tool:
	@if [ ! -x $(MAN_TOOL) ]; then \
	  $(SWIFT) package resolve >/dev/null && \
	  rm -rf $(MAN_TOOL_DIR) && mkdir -p $(MAN_TOOL_DIR) && \
	  (cd .build/checkouts/swift-argument-parser && tar cf - --exclude=.build --exclude=.git .) | (cd $(MAN_TOOL_DIR) && tar xf -) && \
	  sed -i 's/for character in self where character.isASCII {/for character in self.nonASCIIPlaceholders {/' \
	    $(MAN_TOOL_DIR)/Tools/generate-manual/MDoc/String+Escaping.swift && \
	  printf '%s\n' 'extension String {' \
	    '  /// Each non-ASCII scalar as \\u{1}HEX\\u{2}, made a groff escape after rendering.' \
	    '  var nonASCIIPlaceholders: String {' \
	    '    var out = ""' \
	    '    for scalar in unicodeScalars {' \
	    '      if scalar.isASCII { out.unicodeScalars.append(scalar); continue }' \
	    '      let hex = String(scalar.value, radix: 16, uppercase: true)' \
	    '      out += "\u{1}" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "\u{2}"' \
	    '    }' \
	    '    return out' \
	    '  }' \
	    '}' >> $(MAN_TOOL_DIR)/Tools/generate-manual/MDoc/String+Escaping.swift && \
	  $(SWIFT) build --package-path $(MAN_TOOL_DIR) --product generate-manual 2>&1 | tail -1; \
	fi

# man-fix DIR: placeholders to groff escapes, and an EXIT STATUS section in every page.
define man-fix
	for f in $(1)/*.1; do \
	  sed -i -e 's/\x01\([0-9A-F]*\)\x02/\\[u\1]/g' \
	    -e 's/^\.Ex -std$$/0 success; 1 a verification failed (topology check: a capture interface that no port claims); 2 bad usage or bad input, with one line on standard error naming the file and the position (byte offset and packet, or line and column). A run stopped by SIGINT, SIGTERM or SIGHUP removes its temporary outputs and exits 130, 143 or 129; a closed output pipe ends the run quietly with 0./' $$f; \
	  ex=docs/examples/$$(basename $$f .1).txt; \
	  if [ -f $$ex ] && ! grep -q '^.Sh EXAMPLES' $$f; then \
	    awk -v ex=$$ex 'BEGIN { while ((getline l < ex) > 0) { if (l ~ /^\$$ /) { sub(/^\$$ /, "", l); body = body ".Dl " l "\n" } else { body = body ".Pp\n" l "\n" } } } /^\.Sh "EXIT STATUS"/ && !done { printf ".Sh EXAMPLES\n%s", body; done=1 } { print }' $$f > $$f.tmp && mv $$f.tmp $$f; \
	  fi; \
	done
endef

docs: deps man-tool
	$(SWIFT) build --product roamcap
	rm -rf man && mkdir -p man completions
	b="$$($(SWIFT) build --show-bin-path)/roamcap"; \
	$(MAN_TOOL) "$$b" --multi-page --date $(DOCS_DATE) --output-directory man; \
	$$b --generate-completion-script bash > completions/roamcap.bash; \
	$$b --generate-completion-script zsh > completions/_roamcap; \
	$$b --generate-completion-script fish > completions/roamcap.fish
	@$(call man-fix,man)

# Fails when the committed man pages or completions differ from a fresh generation.
docs-check: man-tool
	@tmp=$$(mktemp -d); b="$$($(SWIFT) build --show-bin-path)/roamcap"; \
	$(MAN_TOOL) "$$b" --multi-page --date $(DOCS_DATE) --output-directory $$tmp >/dev/null 2>&1 || { echo "docs-check: generate-manual failed"; exit 1; }; \
	$(call man-fix,$$tmp); \
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
