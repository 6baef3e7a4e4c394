import RoamcapKit
import Testing

/// Hostile text inputs (issue 13): YAML nesting and size limits, empty and non-UTF-8 files,
/// long lines; every error exits 2 with one line naming the file, line and column.
@Suite struct HardeningInputTests {
    let roamcap = TestSupport.binary

    /// `[[[[…]]]]` 5,000 deep (10 KB) overflowed the stack in the YAML library (exit 139).
    static let flowDeep = "sites:" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
    /// `a:` indented one more on each of 5,000 lines.
    static let blockDeep = (0..<5000).map { String(repeating: " ", count: $0) + "a:\n" }.joined()
    /// `- - - - … x`
    static let dashDeep = String(repeating: "- ", count: 6000) + "x\n"

    @Test(arguments: [flowDeep, blockDeep, dashDeep])
    func deepYAMLIsRejectedByEveryReader(text: String) {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let path = dir + "/deep.yaml"
        TestSupport.writeFile(path, Array(text.utf8))
        let runs: [[String]] = [
            ["topology", "check", path],
            ["synth", path, "-o", dir + "/out.pcapng"],
            ["rewrite", "--table", path, "--dry-run", TestSupport.root + "/fixtures/dcA.pcap"],
            ["tables", "--topology", path, TestSupport.root + "/fixtures/dcA.pcap"],
        ]
        for arguments in runs {
            let r = TestSupport.run(roamcap, arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr.prefix(300))")
            #expect(r.stderr.contains(path + ":") && r.stderr.contains("limit of 64 levels"), "\(arguments): \(r.stderr.prefix(300))")
        }
        #expect(!TestSupport.fileExists(dir + "/out.pcapng"))
    }

    @Test func depthErrorNamesLineAndColumn() {
        #expect(throws: InputFileError(file: "t.yaml", line: 65, column: 65,
                                       "YAML nested deeper than the limit of 64 levels")) {
            _ = try YAMLValue.parse(Self.blockDeep, file: "t.yaml")
        }
    }

    @Test func ordinaryNestingIsAccepted() throws {
        let text = (0..<20).map { String(repeating: "  ", count: $0) + "a\($0):\n" }.joined() + String(repeating: "  ", count: 20) + "- [1, {b: [2, 3]}]\n"
        _ = try YAMLValue.parse(text, file: "t.yaml")
    }

    @Test func oversizedYAMLNamesTheLimit() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let path = dir + "/big.yaml"
        let line = Array("# " + String(repeating: "x", count: 1000) + "\n").map { UInt8(ascii: $0.unicodeScalars.first!) }
        var bytes: [UInt8] = []
        while bytes.count <= YAMLLimits.maximumBytes { bytes += line }
        TestSupport.writeFile(path, bytes)
        let r = TestSupport.run(roamcap, ["topology", "check", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains(path + ": file larger than the limit of 16 MiB"))
    }

    @Test func emptyAndNonUTF8FilesNameAPosition() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let trace = TestSupport.root + "/fixtures/dcA.pcap"
        TestSupport.writeFile(dir + "/empty.yaml", [])
        TestSupport.writeFile(dir + "/empty.csv", Array(" \n".utf8))
        TestSupport.writeFile(dir + "/empty.ndjson", [])
        TestSupport.writeFile(dir + "/latin1.yaml", Array("sites:\n  caf".utf8) + [0xE9] + Array(": {}\n".utf8))
        TestSupport.writeFile(dir + "/latin1.csv", Array("primary,new\n10.0.0.1,10.0.0.".utf8) + [0xFF] + [0x0A])
        let cases: [([String], String)] = [
            (["topology", "check", dir + "/empty.yaml"], dir + "/empty.yaml:1:1: empty file"),
            (["rewrite", "--dry-run", "--table", dir + "/empty.csv", trace], dir + "/empty.csv:1:1: empty file"),
            (["rewrite", "--dry-run", "--notifications", dir + "/empty.ndjson", trace], dir + "/empty.ndjson:1:1: empty file"),
            (["topology", "check", dir + "/latin1.yaml"], dir + "/latin1.yaml:2:6: not UTF-8 text"),
            (["rewrite", "--dry-run", "--table", dir + "/latin1.csv", trace], dir + "/latin1.csv:2:17: not UTF-8 text"),
        ]
        for (arguments, expected) in cases {
            let r = TestSupport.run(roamcap, arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
    }

    @Test func overlongNotificationLineNamesTheLimit() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let path = dir + "/long.ndjson"
        TestSupport.writeFile(path, Array(("{\"vm\": \"" + String(repeating: "v", count: 70_000) + "\"}\n").utf8))
        let r = TestSupport.run(roamcap, ["rewrite", "--dry-run", "--notifications", path,
                                          TestSupport.root + "/fixtures/dcA.pcap"])
        #expect(r.status == 2)
        #expect(r.stderr.contains(path + ":1:65537: line longer than the limit of 64 KiB"), "\(r.stderr)")
    }
}

/// Captures that make the reader or the port map work hard (issue 13).
@Suite struct HardeningCaptureTests {
    let roamcap = TestSupport.binary

    /// 100,000 interface descriptions (2 MB) kept tables/flows/simulate busy past 120 s:
    /// each new interface searched every site made so far.
    @Test func hundredThousandInterfacesAreMappedQuickly() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var builder = PcapngBuilder()
        for _ in 0..<100_000 { builder.interface() }
        builder.packet(interface: 0, ticks: 1_795_168_800_000_000, Frames.garp(1))
        builder.packet(interface: 99_999, ticks: 1_795_168_800_000_100, Frames.garp(1))
        let path = dir + "/many.pcapng"
        builder.write(path)
        for command in ["info", "tables", "flows", "simulate"] {
            let start = ContinuousClock.now
            let r = TestSupport.run(roamcap, [command, path])
            let elapsed = ContinuousClock.now - start
            #expect(r.status == 0, "\(command): \(r.stderr)")
            #expect(elapsed < .seconds(30), "\(command) took \(elapsed)")
        }
    }

    @Test func interfacesPastTheLimitAreAnError() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var builder = PcapngBuilder()
        for _ in 0...100_000 { builder.interface() }
        let path = dir + "/toomany.pcapng"
        builder.write(path)
        let r = TestSupport.run(roamcap, ["info", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains(path + ": byte 2000028, packet 1 (IDB): more than 100000 interface descriptions"), "\(r.stderr)")
    }
}

/// Compressed inputs cut short or corrupt (issue 13, SPEC §4): every packet before the cut
/// with --keep-going; without it an error naming the offsets.
@Suite struct CompressedInputTests {
    let roamcap = TestSupport.binary

    func packets(_ json: String) -> Int? {
        guard let r = json.range(of: "\"packets\": ") else { return nil }
        return Int(json[r.upperBound...].prefix { $0.isNumber })
    }

    @Test(arguments: ["zst", "gz"])
    func truncatedCompressedInputYieldsThePacketsBeforeTheCut(suffix: String) throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try SampleTraces.writeEthernetPcap(dir + "/t.pcap", count: 40_000)
        let compressed = dir + "/t.pcap." + suffix
        if suffix == "zst" {
            #expect(TestSupport.run(roamcap, ["convert", dir + "/t.pcap", "-o", compressed]).status == 0)
        } else {
            guard let gzip = TestSupport.which("gzip") else { return }
            #expect(TestSupport.run("/bin/sh", ["-c", "\(gzip) -c '\(dir)/t.pcap' > '\(compressed)'"]).status == 0)
        }
        let bytes = TestSupport.readFile(compressed)
        TestSupport.writeFile(dir + "/cut." + suffix, Array(bytes.prefix(bytes.count * 6 / 10)))
        let strict = TestSupport.run(roamcap, ["info", dir + "/cut." + suffix])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("compressed byte") && strict.stderr.contains("byte "), "\(strict.stderr)")
        let lenient = TestSupport.run(roamcap, ["info", "--keep-going", "--format", "json", dir + "/cut." + suffix])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        let n = packets(lenient.stdout) ?? 0
        #expect(n > 10_000 && n < 40_000, "\(n) packets")
        #expect(lenient.stderr.contains("skipped 1 unreadable records"))
        // convert --keep-going writes those packets, readable.
        let copy = TestSupport.run(roamcap, ["convert", "--keep-going", dir + "/cut." + suffix, "-o", dir + "/copy.pcap"])
        #expect(copy.status == 0)
        #expect(try TestSupport.packets(dir + "/copy.pcap").count == n)
    }

    @Test func corruptGzipNamesTheOffset() throws {
        guard let gzip = TestSupport.which("gzip") else { return }
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try SampleTraces.writeEthernetPcap(dir + "/t.pcap", count: 40_000)
        _ = TestSupport.run("/bin/sh", ["-c", "\(gzip) -c '\(dir)/t.pcap' > '\(dir)/t.pcap.gz'"])
        var bytes = TestSupport.readFile(dir + "/t.pcap.gz")
        for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[i] = 0xFF }
        TestSupport.writeFile(dir + "/bad.gz", bytes)
        let r = TestSupport.run(roamcap, ["info", "--keep-going", "--format", "json", dir + "/bad.gz"])
        #expect(r.stderr.contains("byte "), "\(r.stderr)")
        #expect((packets(r.stdout) ?? 0) > 1000, "\(r.stdout.prefix(400)) \(r.stderr)")
    }

    /// `convert --keep-going` on a pcapng whose first section header is unreadable wrote a
    /// 0-byte .pcapng that roamcap itself rejects.
    @Test func unreadableFirstSectionWritesNothing() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var bytes = TestSupport.readFile(TestSupport.root + "/fixtures/dcB.pcapng")
        bytes[4] = 7; bytes[5] = 0; bytes[6] = 0; bytes[7] = 0
        TestSupport.writeFile(dir + "/bad.pcapng", bytes)
        let r = TestSupport.run(roamcap, ["convert", "--keep-going", dir + "/bad.pcapng", "-o", dir + "/out.pcapng"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("(SHB): impossible block length 7"), "\(r.stderr)")
        #expect(!TestSupport.fileExists(dir + "/out.pcapng"))
    }
}
