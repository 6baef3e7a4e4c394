import CaptureFile
import PacketWire
import RoamcapKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How inputs are read is a value each run is given (`ReadOptions`), not process-wide state:
/// two runs in one process with different options each get their own (issue 8).
@Suite struct ReadOptionsTests {
    func stations(_ result: TableRebuildResult) -> Set<String> {
        Set(result.events.map { "\($0.segment) \($0.mac)" })
    }

    @Test func vxlanPortsAreThoseOfEachRun() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        SampleTraces.writeVXLANOn8472(dir + "/t.pcapng")
        let plain = try rebuildTables(inputs: [dir + "/t.pcapng"], topology: nil)
        let tunnelled = try rebuildTables(inputs: [dir + "/t.pcapng"], topology: nil, reading: ReadOptions(vxlanPorts: [8472]))
        let plainAgain = try rebuildTables(inputs: [dir + "/t.pcapng"], topology: nil, reading: ReadOptions())
        #expect(stations(plain) == ["0 02:00:00:00:00:01", "0 02:00:00:00:00:02"], "\(stations(plain))")
        #expect(stations(tunnelled) == stations(plain).union(["vni 300 02:00:00:00:00:09"]), "\(stations(tunnelled))")
        #expect(stations(plainAgain) == stations(plain))
    }

    /// An input cut inside its last packet: ended there by one run, an error for the next.
    @Test func endingAtTheFirstErrorIsThatOfEachRun() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        SampleTraces.writeVXLANOn8472(dir + "/whole.pcapng")
        let bytes = TestSupport.readFile(dir + "/whole.pcapng")
        TestSupport.writeFile(dir + "/cut.pcapng", Array(bytes.dropLast(10)))
        let path = dir + "/cut.pcapng"
        let ended = try rebuildTables(inputs: [path], topology: nil, reading: ReadOptions(endsAtFirstError: true))
        #expect(ended.pass.packetsRead == 1)
        #expect(ended.pass.skippedRecords == 0 && ended.pass.skippedErrors.count == 1)
        #expect(throws: ConversionError.self) { try rebuildTables(inputs: [path], topology: nil, reading: ReadOptions()) }
        let skipped = try rebuildTables(inputs: [path], topology: nil, reading: ReadOptions(keepGoing: true))
        #expect(skipped.pass.packetsRead == 1 && skipped.pass.skippedRecords == 1)
    }

    /// Process-wide mutable statics are what `ReadOptions` and `OutputFile.brokenPipe` replaced.
    @Test func noProcessWideMutableStatics() throws {
        var found: [String] = []
        for directory in ["PacketWire", "CaptureFile", "PacketFilter", "RoamcapKit", "roamcap"] {
            let root = TestSupport.root + "/Sources/" + directory
            let listing = TestSupport.run("/usr/bin/find", [root, "-name", "*.swift"])
            for file in listing.stdout.split(separator: "\n") {
                let text = String(decoding: TestSupport.readFile(String(file)), as: UTF8.self)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains("nonisolated(unsafe)") && line.contains(" var ") {
                    found.append("\(file):\(n + 1)")
                }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }
}
