import CaptureFile
import RoamcapKit
import Testing

/// pcap → pcapng → pcap.zst → pcap keeps every packet's bytes and timestamp; pcapng → pcapng keeps
/// interfaces, options and comments.
@Suite struct RoundTripTests {
    /// Corpus files tshark reads, pcap and pcapng, plain and compressed, limited in number to
    /// keep the suite fast.
    static func sampleFiles() -> [String] {
        guard let corpus = TestSupport.corpus else { return [] }
        let readable = TestSupport.manifest().filter { ($0.packets ?? 0) > 0 }.map(\.file)
        // Every pcapng and compressed file, and every 4th pcap.
        var out: [String] = []
        for (i, f) in readable.enumerated() where !f.hasSuffix(".pcap") || i % 4 == 0 { out.append(corpus + "/" + f) }
        return out
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func pcapToPcapngToZstdToPcapKeepsPacketsAndTimestamps() throws {
        let files = Self.sampleFiles()
        try #require(!files.isEmpty)
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var checked = 0
        for file in files {
            let original = try TestSupport.packets(file)
            let reader = try CaptureReader(path: file)
            while try reader.nextPacket() != nil {}
            // pcap output needs a single link type.
            let single = Set(reader.interfaces.map(\.linkType)).count <= 1
            let steps: [(String, CaptureFormat)] = single
                ? [("a.pcapng", .pcapng), ("b.pcap.zst", .pcap), ("c.pcap", .pcap)]
                : [("a.pcapng", .pcapng), ("b.pcapng.zst", .pcapng), ("c.pcapng", .pcapng)]
            var input = file
            do {
                for (name, format) in steps {
                    let out = dir + "/" + name
                    _ = try convertTrace(input: input, output: try OutputFile(path: out, force: true), format: format,
                                         selection: PacketSelection(), reading: ReadOptions())
                    input = out
                }
            } catch ConversionError.capture(let error) where error.message.contains("does not fit in a pcap record") {
                // pcap's 32-bit seconds end in 2106; pcapng goes further. Refused, not wrapped.
                print("round trip: \(file) has times pcap cannot hold: \(error.message)")
                continue
            }
            let final = try TestSupport.packets(input)
            #expect(final.count == original.count, "\(file)")
            for (n, (a, b)) in zip(original, final).enumerated() where a.0 != b.0 || a.1 != b.1 || a.2 != b.2 {
                Issue.record("\(file): packet \(n + 1) differs after the round trip: \(a.0) \(a.1) \(a.2.count) → \(b.0) \(b.1) \(b.2.count)")
                break
            }
            checked += 1
        }
        print("round trip pcap → pcapng → .zst → pcap: \(checked) corpus files, every packet identical")
    }

    @Test func pcapngToPcapngKeepsInterfacesOptionsAndComments() throws {
        guard let corpus = TestSupport.corpus else { return }
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let pcapngFiles = TestSupport.manifest().filter { ($0.packets ?? 0) > 0 && $0.file.contains(".pcapng") }
        var checked = 0
        for row in pcapngFiles {
            let file = corpus + "/" + row.file
            let out = dir + "/out.pcapng"
            _ = try convertTrace(input: file, output: try OutputFile(path: out, force: true), format: .pcapng,
                                 selection: PacketSelection(), reading: ReadOptions())
            let (a, b) = (try describe(file), try describe(out))
            #expect(a.interfaces == b.interfaces, "\(row.file)")
            #expect(a.packets == b.packets, "\(row.file)")
            #expect(a.sectionOptions == b.sectionOptions.map { $0.filter { !$0.hasPrefix("4=roamcap") } }, "\(row.file)")
            checked += 1
        }
        print("pcapng → pcapng: \(checked) corpus files keep interfaces, options, comments and timestamps")
    }

    /// Interfaces and packets with their options, decoded (so big-endian inputs compare equal to
    /// our little-endian outputs).
    func describe(_ path: String) throws -> (interfaces: [String], packets: [String], sectionOptions: [[String]]) {
        let reader = try CaptureReader(path: path)
        var packets: [String] = []
        while let record = try reader.next() {
            if case .packet(let p) = record {
                packets.append("\(p.interface) \(p.timestamp) \(p.originalLength) \(Array(p.data).hashValue) "
                               + p.decodedOptions.map { "\($0.code)=\($0.value)" }.joined(separator: ","))
            }
        }
        let interfaces = reader.interfaces.map { i in
            "\(i.linkType) \(i.snapLength) \(i.unitsPerSecond) " + i.options.map { "\($0.code)=\($0.value)" }.joined(separator: ",")
        }
        let sections = reader.sections.map { $0.options.map { "\($0.code)=\($0.stringValue)" } }
        return (interfaces, packets, sections)
    }

    @Test(.enabled(if: TestSupport.which("tshark") != nil, "tshark is not installed"), .enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func pcapngCommentsSurviveForTshark() throws {
        let tshark = try #require(TestSupport.which("tshark")), corpus = try #require(TestSupport.corpus)
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var compared = 0
        for row in TestSupport.manifest() where (row.packets ?? 0) > 0 && row.file.contains(".pcapng") {
            let file = corpus + "/" + row.file
            let out = dir + "/out.pcapng"
            _ = try convertTrace(input: file, output: try OutputFile(path: out, force: true), format: .pcapng,
                                 selection: PacketSelection(), reading: ReadOptions())
            let fields = ["-T", "fields", "-e", "frame.comment", "-e", "frame.interface_name", "-e", "frame.time_epoch",
                          "-e", "frame.len"]
            let before = TestSupport.run(tshark, ["-r", file] + fields)
            let after = TestSupport.run(tshark, ["-r", out] + fields)
            // tshark lists pcapng custom blocks as frames with no interface and no time; those
            // marked "not to be copied" (0x40000BAD) are, per the pcapng spec, not copied.
            func packetLines(_ text: String) -> [Substring] {
                text.split(separator: "\n").filter { !$0.hasPrefix("\t\t\t") }
            }
            if before.status == 0 {
                #expect(after.status == 0, "\(row.file)")
                #expect(packetLines(before.stdout) == packetLines(after.stdout), "\(row.file)")
                compared += 1
            }
        }
        print("tshark sees the same comments, interface names, times and lengths in \(compared) rewritten pcapng files")
    }
}
