import Testing

/// The committed bash completion, loaded in bash: files are still completed, and the options
/// with a fixed set of values offer them (it used to disable filename completion and offer none).
@Suite struct CompletionScriptTests {
    static let script = """
        source '\(TestSupport.root)/completions/roamcap.bash'
        try() { COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"
          [[ "$1" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=()
          _roamcap roamcap "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
          printf '%s\\n' "$1|$(printf '%s\\n' "${COMPREPLY[@]}" | sort | tr '\\n' ' ')"; }
        cd '\(TestSupport.root)/fixtures'
        try "roamcap simulate --policy "
        try "roamcap flows --policy fl"
        try "roamcap info --format "
        try "roamcap convert x.pcap --compress "
        try "roamcap convert x.pcap --output-format "
        try "roamcap info dc"
        try "roamcap tables --topology scenarios/th"
        try "roamcap rewrite x.pcap -o out.pcap --notifications nat/mo"
        """

    @Test(.enabled(if: TestSupport.which("bash") != nil, "bash is not installed"))
    func bashOffersFilesAndValues() {
        let r = TestSupport.run(TestSupport.which("bash")!, ["-c", Self.script])
        #expect(r.status == 0, "\(r.stderr)")
        var offered: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { offered[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        #expect(offered["roamcap simulate --policy "] == "flood flood-confirmed ideal igp-only")
        #expect(offered["roamcap flows --policy fl"] == "flood flood-confirmed")
        #expect(offered["roamcap info --format "] == "csv json ndjson table")
        #expect(offered["roamcap convert x.pcap --compress "] == "none zstd")
        #expect(offered["roamcap convert x.pcap --output-format "] == "pcap pcapng")
        #expect(offered["roamcap info dc"] == "dcA.pcap dcB.pcapng dcC.pcap.zst")
        #expect(offered["roamcap tables --topology scenarios/th"]?.contains("scenarios/three-site.topology.yaml") == true)
        #expect(offered["roamcap rewrite x.pcap -o out.pcap --notifications nat/mo"] == "nat/moves.ndjson")
    }
}
