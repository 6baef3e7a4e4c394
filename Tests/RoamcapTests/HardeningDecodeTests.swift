import CaptureFile
import Testing

/// What the decoder takes for a station (issue 13, SPEC §4): VXLAN only where certain.
@Suite struct HardeningDecodeTests {
    let roamcap = TestSupport.binary

    func macs(_ ndjson: String) -> Set<String> {
        var out: Set<String> = []
        for line in ndjson.split(separator: "\n") {
            guard let r = line.range(of: "\"mac\": \"") ?? line.range(of: "\"mac\":\"") else { continue }
            out.insert(String(line[r.upperBound...].prefix(17)))
        }
        return out
    }

    /// ASCII text in the first fragment of a UDP datagram to 4789 was decapsulated into
    /// stations with MACs made of text.
    @Test func asciiInAFragmentedDatagramTo4789MakesNoStation() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        let text = Array("GET /a-long-enough-path HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n".utf8)
        b.packet(ticks: 1_795_168_800_000_000, Frames.udp(1, to: 4789, payload: text, fragment: 0x2000))
        b.packet(ticks: 1_795_168_800_000_100, Frames.udp(1, to: 4789, payload: Array(text.reversed())))
        b.write(dir + "/t.pcapng")
        let r = TestSupport.run(roamcap, ["tables", "--format", "ndjson", dir + "/t.pcapng"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(macs(r.stdout) == ["02:00:00:00:00:01"], "\(r.stdout)")
    }

    @Test func vxlanPortIsAnOption() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        b.packet(ticks: 1_795_168_800_000_000, Frames.udp(1, to: 8472, payload: Frames.vxlan(300) + Frames.garp(9)))
        b.write(dir + "/t.pcapng")
        let plain = TestSupport.run(roamcap, ["tables", "--format", "ndjson", dir + "/t.pcapng"])
        #expect(macs(plain.stdout) == ["02:00:00:00:00:01"], "\(plain.stdout)")
        for command in ["tables", "flows", "simulate"] {
            let r = TestSupport.run(roamcap, [command, "--vxlan-port", "8472", "--vxlan-port", "4789", "--format", "ndjson", dir + "/t.pcapng"])
            #expect(r.status == 0, "\(command): \(r.stderr)")
            if command == "tables" {
                #expect(macs(r.stdout) == ["02:00:00:00:00:01", "02:00:00:00:00:09"], "\(r.stdout)")
            }
        }
        let zero = TestSupport.run(roamcap, ["tables", "--vxlan-port", "0", dir + "/t.pcapng"])
        #expect(zero.status == 2 && zero.stderr.contains("--vxlan-port"))
    }
}

/// Simple packet blocks carry no time: dated like the packet before them (or, first in the
/// file, like the first dated packet after them), never 1970.
@Suite struct SimplePacketTimeTests {
    let roamcap = TestSupport.binary
    static let t0: UInt64 = 1_795_168_800_000_000  // µs

    func write(_ path: String) {
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        b.simplePacket(Frames.garp(1))                 // before any dated packet
        b.packet(ticks: Self.t0, Frames.garp(1))
        b.simplePacket(Frames.garp(2))
        b.packet(ticks: Self.t0 + 1000, Frames.garp(2))
        b.simplePacket(Frames.garp(3))
        b.packet(ticks: Self.t0 + 2000, Frames.garp(3))
        b.write(path)
    }

    @Test func readerDatesSimplePackets() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        write(dir + "/spb.pcapng")
        let times = try TestSupport.packets(dir + "/spb.pcapng").map { $0.0.seconds * 1_000_000 + Int64($0.0.nanoseconds / 1000) }
        let t0 = Int64(Self.t0)
        #expect(times == [t0, t0, t0, t0 + 1000, t0 + 1000, t0 + 2000])
    }

    /// A 2 ms capture reported aged-out stations and repeated new-station events.
    @Test func tablesSeeNoSpuriousAging() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        write(dir + "/spb.pcapng")
        let r = TestSupport.run(roamcap, ["tables", "--format", "ndjson", dir + "/spb.pcapng"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("aged-out"), "\(r.stdout)")
        #expect(!r.stdout.contains("1970"), "\(r.stdout)")
        // One MAC and one IP binding per station, once.
        #expect(r.stdout.components(separatedBy: "\"new-station\"").count - 1 == 6, "\(r.stdout)")
    }

    /// Written back, simple packet blocks stay simple packet blocks (no time invented).
    @Test func convertKeepsSimplePacketBlocks() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        write(dir + "/spb.pcapng")
        let out = TestSupport.run(roamcap, ["convert", dir + "/spb.pcapng", "-o", dir + "/copy.pcapng"])
        #expect(out.status == 0)
        let reader = try CaptureReader(path: dir + "/copy.pcapng")
        var dated: [Bool] = []
        while let p = try reader.nextPacket() { dated.append(p.hasTimestamp) }
        #expect(dated == [false, true, false, true, false, true])
    }
}

/// Link types roamcap does not decode gave empty output, exit 0, without a word.
@Suite struct UndecodedLinkTypeTests {
    @Test func arcnetAndWifiAreNamedInAWarning() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try SampleTraces.writeEthernetPcap(dir + "/arcnet.pcap", count: 3, linkType: 7)
        try SampleTraces.writeEthernetPcap(dir + "/wifi.pcap", count: 3, linkType: 105)
        for command in ["tables", "flows", "simulate"] {
            let r = TestSupport.run(TestSupport.binary, [command, dir + "/arcnet.pcap", dir + "/wifi.pcap"])
            #expect(r.status == 0)
            #expect(r.stderr.contains("arcnet.pcap: link type 7 (ARCNET) is not decoded"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains("wifi.pcap: link type 105 (IEEE802_11) is not decoded"), "\(command): \(r.stderr)")
        }
        let ethernet = TestSupport.run(TestSupport.binary, ["tables", TestSupport.root + "/fixtures/dcA.pcap"])
        #expect(!ethernet.stderr.contains("not decoded"))
    }

    /// ARP in 802.3 LLC/SNAP frames was not bound.
    @Test func arpInSNAPIsBound() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let garp = Frames.garp(5)
        let arp = Array(garp[14..<42])
        let snap: [UInt8] = Array(garp[0..<12]) + [0x00, UInt8(8 + arp.count), 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x06] + arp
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        b.packet(ticks: 1_795_168_800_000_000, snap)
        b.write(dir + "/snap.pcapng")
        let r = TestSupport.run(TestSupport.binary, ["tables", "--format", "ndjson", dir + "/snap.pcapng"])
        #expect(r.stdout.contains("\"ip\":\"10.0.0.5\""), "\(r.stdout)")
    }
}

/// `info good bad good` printed nothing for the good files, even with --keep-going; `rewrite
/// -O` wrote the good files but printed no summary, and failed when DIR did not exist.
@Suite struct SeveralInputsTests {
    let roamcap = TestSupport.binary
    let good = TestSupport.root + "/fixtures/dcA.pcap"
    let good2 = TestSupport.root + "/fixtures/dcB.pcapng"

    @Test func infoReportsTheGoodFilesAndNamesTheBadOne() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/bad.pcap", Array("junk junk".utf8))
        let r = TestSupport.run(roamcap, ["info", "--keep-going", "--format", "csv", good, dir + "/bad.pcap", good2])
        #expect(r.status == 2)
        #expect(r.stdout.contains("dcA.pcap") && r.stdout.contains("dcB.pcapng"), "\(r.stdout)")
        #expect(r.stderr == "roamcap: error: \(dir)/bad.pcap: byte 0: not a pcap or pcapng file (starts with 0x6a756e6b)\n")
        let strict = TestSupport.run(roamcap, ["info", "--format", "csv", good, dir + "/bad.pcap", good2])
        #expect(strict.status == 2)
        #expect(strict.stdout.contains("dcA.pcap") && !strict.stdout.contains("dcB.pcapng"))
    }

    @Test func rewriteSummarisesTheGoodInputsAndCreatesTheDirectory() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/bad.pcap", Array("junk junk".utf8))
        let moves = TestSupport.root + "/fixtures/nat/moves.ndjson"
        let r = TestSupport.run(roamcap, ["rewrite", "--notifications", moves, "-O", dir + "/new/out",
                                          good, dir + "/bad.pcap", good2, "--format", "csv"])
        #expect(r.status == 2)
        #expect(TestSupport.fileExists(dir + "/new/out/dcA.pcap") && TestSupport.fileExists(dir + "/new/out/dcB.pcapng"))
        #expect(r.stdout.contains("dcA.pcap") && r.stdout.contains("dcB.pcapng"), "\(r.stdout)")
        #expect(r.stderr.contains("bad.pcap: byte 0: not a pcap or pcapng file"), "\(r.stderr)")
    }
}

/// A fatal read error after N frames discarded every event already computed: tables and flows
/// now report what was read, then the error (exit 2), as tshark prints the frames before it.
@Suite struct ReadErrorAfterFramesTests {
    @Test(arguments: ["tables", "flows", "simulate"])
    func reportThenError(command: String) {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let bytes = TestSupport.readFile(TestSupport.root + "/fixtures/dcA.pcap")
        TestSupport.writeFile(dir + "/cut.pcap", Array(bytes.dropLast(30)))
        let r = TestSupport.run(TestSupport.binary, [command, "--format", "ndjson", dir + "/cut.pcap"])
        #expect(r.status == 2)
        #expect(r.stdout.split(separator: "\n").count > 1, "\(r.stdout)")
        #expect(r.stderr == "roamcap: error: \(dir)/cut.pcap: byte 5503, packet 61 (record): file ends inside a packet (46 of 76 bytes)\n")
        let lenient = TestSupport.run(TestSupport.binary, [command, "--keep-going", "--format", "ndjson", dir + "/cut.pcap"])
        #expect(lenient.status == 0 && lenient.stdout == r.stdout)
    }

    /// simulate: the counts of what was read, then the error; the forwarded trace and the log
    /// would be partial, so neither is written.
    @Test func simulateWritesNoPartialTrace() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let bytes = TestSupport.readFile(TestSupport.root + "/fixtures/dcA.pcap")
        TestSupport.writeFile(dir + "/cut.pcap", Array(bytes.dropLast(30)))
        let r = TestSupport.run(TestSupport.binary, ["simulate", dir + "/cut.pcap", "--format", "json",
                                                     "-o", dir + "/forwarded.pcapng", "--decisions", dir + "/d.ndjson"])
        #expect(r.status == 2)
        #expect(r.stdout.contains("\"frames\""))
        #expect(r.stderr.hasSuffix("file ends inside a packet (46 of 76 bytes)\n"))
        #expect(!TestSupport.fileExists(dir + "/forwarded.pcapng") && !TestSupport.fileExists(dir + "/d.ndjson"))
        let files = TestSupport.run("/bin/ls", ["-A", dir]).stdout
        #expect(files == "cut.pcap\n", "temporary files left: \(files)")
    }
}
