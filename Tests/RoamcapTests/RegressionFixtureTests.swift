import PacketWire
import Testing

/// Replays `fixtures/regressions/<target>/*` (inputs that once crashed roamcap or misled it)
/// through the command or function each fuzz target exercises.
@Suite struct RegressionFixtureTests {
    static let root = TestSupport.root + "/fixtures/regressions"

    static func files(_ target: String) -> [String] {
        let r = TestSupport.run("/bin/ls", [root + "/" + target])
        return r.stdout.split(separator: "\n").map { root + "/" + target + "/" + $0 }
    }

    @Test func yamlInputsAreRefusedCleanly() {
        let cases = Self.files("topology").map { (["topology", "check", $0], $0) }
            + Self.files("scenario").map { (["synth", $0, "-o", "/dev/null"], $0) }
        #expect(cases.count >= 2)
        for (arguments, file) in cases {
            let r = TestSupport.run(TestSupport.binary, arguments)
            #expect(r.status == 2, "\(file): \(r.stderr)")
            #expect(r.stderr.hasPrefix("roamcap: error: \(file):"), "\(r.stderr)")
        }
    }

    /// The input that crashed (exit 139): block mappings nested 5,000 deep, one more space of
    /// indentation each — 12.5 MB, so it is made here rather than kept in the repository.
    @Test func fiveThousandBlockLevelsAreRefusedCleanly() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let file = dir + "/deep-block-5000.yaml"
        var text = ""
        for level in 0..<5000 { text += String(repeating: " ", count: level) + "a:\n" }
        TestSupport.writeFile(file, Array(text.utf8))
        let r = TestSupport.run(TestSupport.binary, ["synth", file, "-o", "/dev/null"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("roamcap: error: \(file):"), "\(r.stderr)")
    }

    @Test func migrationTablesAreRefusedCleanly() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let files = Self.files("migrationtable")
        #expect(!files.isEmpty)
        for file in files {
            // The fuzz target's first byte picks the loader: 0 YAML, 1 CSV, 2 NDJSON.
            let bytes = TestSupport.readFile(file)
            let (name, option) = [("t.yaml", "--table"), ("t.csv", "--table"), ("t.ndjson", "--notifications")][Int(bytes[0]) % 3]
            TestSupport.writeFile(dir + "/" + name, Array(bytes.dropFirst()))
            let r = TestSupport.run(TestSupport.binary, ["rewrite", "--dry-run", option, dir + "/" + name,
                                                         TestSupport.root + "/fixtures/dcA.pcap"])
            #expect(r.status == 2, "\(file): \(r.stderr)")
        }
    }

    @Test func decoderInputsDecodeWithoutFalseLayers() {
        let files = Self.files("decoder")
        #expect(!files.isEmpty)
        let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .ipv4, .ipv6, .null, .loop]
        for file in files {
            let bytes = TestSupport.readFile(file)
            var packet = DecodedPacket()
            Array(bytes.dropFirst()).withUnsafeBytes {
                PacketDecoder(linkType: linkTypes[Int(bytes[0]) % linkTypes.count]).decode($0, into: &packet)
            }
            #expect(packet.ndpTargetAddress == nil, "\(file)")
        }
    }
}
