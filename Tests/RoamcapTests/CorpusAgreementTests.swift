import CaptureFile
import RoamcapKit
import Testing

/// roamcap against tshark on the 788 captures of `../shared/corpus` (manifest.tsv holds what
/// tshark says about each): same packet counts and first/last timestamps to the nanosecond, and
/// exit 2 (a thrown `CaptureError`) for what tshark rejects — with the deliberate differences
/// documented below.
@Suite struct CorpusAgreementTests {
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func agreesWithTshark() throws {
        let rows = TestSupport.manifest()
        let corpus = try #require(TestSupport.corpus)
        try #require(!rows.isEmpty)
        var agree = 0, rejectedBoth = 0, carried: [String] = [], lenient: [String] = []
        var disagreements: [String] = []
        for row in rows {
            let path = corpus + "/" + row.file
            guard let tsharkPackets = row.packets else {
                // tshark rejects the file.
                do {
                    let summary = try CaptureSummary.read(path: path, reading: ReadOptions())
                    // Deliberate difference 1: tshark refuses link types its dissectors do not
                    // know (DSA/EDSA tags 281-285, Juniper 164/182, 805306500…). The file format
                    // is valid, so roamcap reads it: info, convert and merge do not dissect.
                    if row.error.contains("network type") && row.error.contains("unknown or unsupported") {
                        lenient.append("\(row.file) (\(summary.packets) packets)")
                    } else {
                        disagreements.append("\(row.file): tshark rejects it, roamcap read \(summary.packets) packets")
                    }
                } catch {
                    #expect(!error.description.isEmpty && error.description.hasPrefix(path))
                    rejectedBoth += 1
                }
                continue
            }
            let summary: CaptureSummary
            do {
                summary = try CaptureSummary.read(path: path, reading: ReadOptions())
            } catch {
                disagreements.append("\(row.file): tshark reads \(tsharkPackets) packets, roamcap fails: \(error)")
                continue
            }
            var ok = summary.packets == tsharkPackets
            let first = summary.firstInFileOrder.map(\.description)
            let last = summary.lastInFileOrder.map(\.description)
            func same(_ ours: String?, _ theirs: String) -> Bool {
                if theirs == "-" { return ours == nil }
                // tshark counts pcapng custom blocks as frames without a time; when one comes
                // first or last, the manifest's first/last is empty and says nothing about packets.
                if theirs.isEmpty { return true }
                return ours == theirs
            }
            if !(same(first, row.first) && same(last, row.last)) {
                // Deliberate difference 2 (SPEC §4): a pcap sub-second field out of range is
                // carried into the seconds; tshark keeps garbage (even negative times).
                if summary.subsecondCarries > 0 {
                    carried.append("\(row.file): tshark \(row.first)..\(row.last), roamcap \(first ?? "-")..\(last ?? "-")")
                } else {
                    ok = false
                }
            }
            if ok { agree += 1 } else {
                disagreements.append("\(row.file): tshark \(tsharkPackets) \(row.first) \(row.last), "
                                     + "roamcap \(summary.packets) \(first ?? "-") \(last ?? "-")")
            }
        }
        print("""
        corpus agreement with tshark (\(rows.count) files)
          same packets and first/last timestamps   \(agree)
          rejected by both (roamcap exit 2)        \(rejectedBoth)
          sub-second carried (SPEC §4, deliberate) \(carried.count)
          link type unknown to tshark, read by us  \(lenient.count)
          disagreements                            \(disagreements.count)
        """)
        for line in carried { print("  carried: \(line)") }
        for line in lenient { print("  read:    \(line)") }
        for line in disagreements { print("  DIFF:    \(line)") }
        #expect(disagreements.isEmpty)
        #expect(agree > 700)
    }

    /// Every corpus file also reads with `--keep-going` without crashing, and a file tshark
    /// reads loses no packet to it.
    @Test func keepGoingNeverLosesGoodPackets() throws {
        guard let corpus = TestSupport.corpus else { return }
        for row in TestSupport.manifest() {
            guard let packets = row.packets else { continue }
            let summary = try CaptureSummary.read(path: corpus + "/" + row.file, reading: ReadOptions(keepGoing: true))
            #expect(summary.packets == packets, "\(row.file)")
        }
    }
}
