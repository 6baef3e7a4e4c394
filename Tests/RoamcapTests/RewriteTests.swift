import CaptureFile
import PacketWire
import RoamcapKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The migration NAT (SPEC §1) on the fixture of every case, against independent checks:
/// checksums recomputed from scratch, tshark's verdicts, and tcprewrite's bytes.
@Suite struct RewriteTests {
    let roamcap = TestSupport.binary

    /// Full checksum verdicts (IPv4 header, TCP/UDP/ICMP/ICMPv6) computed from scratch for a
    /// frame, as a list of (name, valid) for every checksum fully captured.
    static func verdicts(_ frame: [UInt8], linkType: UInt16) -> [String: Bool] {
        var d = DecodedPacket()
        frame.withUnsafeBytes { PacketDecoder(linkType: LinkType(rawValue: linkType)).decode($0, into: &d) }
        var out: [String: Bool] = [:]
        frame.withUnsafeBytes { b in
            let n = d.networkOffset
            if d.layers.contains(.ipv4) {
                out["ip"] = Checksum.isValid(UnsafeRawBufferPointer(rebasing: b[n..<(n + 20)]))
            }
            guard !d.isTruncated, d.fragmentOffset == 0, !d.moreFragments else { return }
            let t = d.transportOffset, end = d.networkEndOffset
            guard end <= b.count, t < end else { return }
            let segment = UnsafeRawBufferPointer(rebasing: b[t..<end])
            var pseudo: UInt16 = 0
            switch (d.sourceAddress, d.destinationAddress) {
            case (.v4(let s)?, .v4(let dst)?):
                pseudo = Checksum.pseudoHeaderSum(source: s, destination: dst, protocol: d.ipProtocol, length: segment.count)
            case (.v6(let s)?, .v6(let dst)?):
                pseudo = Checksum.pseudoHeaderSum(source: s, destination: dst, protocol: d.ipProtocol, length: segment.count)
            default: return
            }
            switch d.ipProtocol.rawValue {
            case 6: out["tcp"] = Checksum.isValid(segment, pseudoHeaderSum: pseudo)
            case 17:
                if segment[6] != 0 || segment[7] != 0 { out["udp"] = Checksum.isValid(segment, pseudoHeaderSum: pseudo) }
            case 1: out["icmp"] = Checksum.isValid(segment)
            case 58: out["icmpv6"] = Checksum.isValid(segment, pseudoHeaderSum: pseudo)
            default: break
            }
        }
        return out
    }

    static func addresses(_ frame: [UInt8], linkType: UInt16) -> (String, String)? {
        var d = DecodedPacket()
        frame.withUnsafeBytes { PacketDecoder(linkType: LinkType(rawValue: linkType)).decode($0, into: &d) }
        guard let s = d.sourceAddress, let t = d.destinationAddress else { return nil }
        return (s.description, t.description)
    }

    func writeNotifications(_ path: String, _ lines: [String]) {
        TestSupport.writeFile(path, Array(lines.joined(separator: "\n").utf8))
    }

    @Test func everyCaseIsRewrittenExactly() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try NATFixture.write(dir + "/in.pcapng")
        writeNotifications(dir + "/moves.ndjson", [
            #"{"time": 0, "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.0.7"}"#,
            #"{"time": 0, "vm": "web-1v6", "primary": "2001:db8:1::7", "new": "2001:db8:9::7"}"#,
        ])
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcapng", "-o", dir + "/out.pcapng",
                                          "--notifications", dir + "/moves.ndjson", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let cases = NATFixture.cases()
        let before = try TestSupport.packets(dir + "/in.pcapng")
        let after = try TestSupport.packets(dir + "/out.pcapng")
        #expect(after.count == cases.count)
        for (i, k) in cases.enumerated() {
            let linkType = NATFixture.linkTypes[k.interface]
            let (a, b) = (before[i].2, after[i].2)
            #expect(before[i].0 == after[i].0 && before[i].1 == after[i].1, "\(k.name): timestamp or length changed")
            guard let expected = k.expected else {
                #expect(a == b, "\(k.name): must stay byte-identical")
                continue
            }
            let got = Self.addresses(b, linkType: linkType)
            #expect(got?.0 == expected.0 && got?.1 == expected.1, "\(k.name): addresses \(String(describing: got))")
            let (va, vb) = (Self.verdicts(a, linkType: linkType), Self.verdicts(b, linkType: linkType))
            for (name, good) in va {
                if k.name.hasPrefix("bad tcp") && name == "tcp" {
                    #expect(vb[name] == false, "\(k.name): a wrong checksum must stay wrong")
                } else {
                    #expect(good && vb[name] == true, "\(k.name): \(name) checksum not valid after the rewrite")
                }
            }
        }
        // The UDP checksum that computes to 0 is written 0xFFFF; the zero checksum stays 0.
        let zero = cases.firstIndex { $0.name == "udp checksum becoming 0" }!
        #expect(Array(after[zero].2[40..<42]) == [0xFF, 0xFF])
        let qinq = cases.firstIndex { $0.name.hasPrefix("QinQ") }!
        #expect(Array(after[qinq].2[(22 + 20 + 6)..<(22 + 20 + 8)]) == [0, 0])
        // The bad TCP checksum is off by exactly the same amount as before.
        let bad = cases.firstIndex { $0.name.hasPrefix("bad tcp") }!
        let good = cases.firstIndex { $0.name == "ipv4 tcp to primary" }!
        func word(_ b: [UInt8]) -> UInt16 { UInt16(b[50]) << 8 | UInt16(b[51]) }
        func difference(_ x: UInt16, _ y: UInt16) -> UInt16 { Checksum.add(x, ~y) }
        #expect(difference(word(after[bad].2), word(after[good].2)) == difference(word(before[bad].2), word(before[good].2)))
        #expect(word(after[bad].2) != word(before[bad].2))
        // The quoted headers of ICMP errors are translated the opposite way (RFC 5508).
        let icmpTo = cases.firstIndex { $0.name == "icmp error to primary" }!
        #expect(Array(after[icmpTo].2[(14 + 20 + 8 + 12)..<(14 + 20 + 8 + 16)]) == NATFixture.v4(NATFixture.n4))
        let icmpFrom = cases.firstIndex { $0.name == "icmp error from post" }!
        #expect(Array(after[icmpFrom].2[(14 + 20 + 8 + 16)..<(14 + 20 + 8 + 20)]) == NATFixture.v4(NATFixture.p4))
        let icmp6 = cases.firstIndex { $0.name == "icmpv6 error from post" }!
        #expect(Array(after[icmp6].2[(14 + 40 + 8 + 24)..<(14 + 40 + 8 + 40)]) == NATFixture.v6(NATFixture.p6))
        // Summary: counts per entry and direction, truncated packets counted.
        #expect(r.stdout.contains("\"truncated\": 1,"))
        #expect(r.stdout.contains("\"icmpQuotedTranslated\": 3"))
        #expect(r.stdout.contains("\"rewritten\": \(cases.filter { $0.expected != nil }.count)"))
    }

    /// The annotation names the addresses the rewriter changed, even in a header the capture
    /// cut short (here its options), which no decoder can read whole.
    @Test func annotationNamesTheAddressesOfAHeaderCutShort() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        // Ethernet, then the first 20 bytes of a 24-byte IPv4 header (IHL 6) from C to P.
        var header: [UInt8] = [0x46, 0, 0, 44, 0, 1, 0, 0, 64, 6, 0, 0] + NATFixture.v4(NATFixture.c4) + NATFixture.v4(NATFixture.p4)
        let sum = NATFixture.checksum(header + [1, 1, 1, 1])
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xFF)
        var b = PcapngBuilder()
        b.interface(linkType: 1)
        b.packet(ticks: 1_000_000, Frames.mac(1) + Frames.mac(2) + [0x08, 0x00] + header)
        b.write(dir + "/in.pcapng")
        writeNotifications(dir + "/moves.ndjson", [#"{"time": 0, "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.0.7"}"#])
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcapng", "-o", dir + "/out.pcapng",
                                          "--notifications", dir + "/moves.ndjson", "--annotate"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try TestSupport.packets(dir + "/out.pcapng")
        #expect(out.count == 1 && Array(out[0].2[30..<34]) == NATFixture.v4(NATFixture.n4))
        let text = String(decoding: TestSupport.readFile(dir + "/out.pcapng"), as: UTF8.self)
        #expect(text.contains("roamcap rewrite: dst 10.1.0.7→10.9.0.7 (web-1, "), "the comment names both addresses")
    }

    @Test(.enabled(if: TestSupport.which("tshark") != nil, "tshark is not installed"))
    func tsharkFindsNoBadChecksumThatWasGood() throws {
        let tshark = try #require(TestSupport.which("tshark"))
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try NATFixture.write(dir + "/in.pcapng")
        writeNotifications(dir + "/moves.ndjson", [
            #"{"time": 0, "primary": "10.1.0.7", "new": "10.9.0.7"}"#,
            #"{"time": 0, "primary": "2001:db8:1::7", "new": "2001:db8:9::7"}"#,
        ])
        #expect(TestSupport.run(roamcap, ["rewrite", dir + "/in.pcapng", "-o", dir + "/out.pcapng",
                                          "--notifications", dir + "/moves.ndjson", "--annotate"]).status == 0)
        let fields = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                      "-T", "fields", "-E", "occurrence=a", "-e", "ip.checksum.status", "-e", "tcp.checksum.status",
                      "-e", "udp.checksum.status", "-e", "icmp.checksum.status", "-e", "icmpv6.checksum.status",
                      "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst"]
        let a = TestSupport.run(tshark, ["-r", dir + "/in.pcapng"] + fields)
        let b = TestSupport.run(tshark, ["-r", dir + "/out.pcapng"] + fields)
        #expect(a.status == 0 && b.status == 0)
        let before = a.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let after = b.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        let cases = NATFixture.cases()
        for (i, (x, y)) in zip(before, after).enumerated() where i < cases.count {
            let fx = x.split(separator: "\t", omittingEmptySubsequences: false)
            let fy = y.split(separator: "\t", omittingEmptySubsequences: false)
            // Status 1 is Good, 0 Bad. Every good checksum (in every occurrence) stays good.
            for column in 0..<5 {
                let good = fx[column].split(separator: ",").map { $0 == "1" }
                let now = fy[column].split(separator: ",").map { $0 == "1" }
                for (k, g) in good.enumerated() where g {
                    #expect(k < now.count && now[k], "\(cases[i].name): tshark column \(column) went bad: \(x) → \(y)")
                }
            }
            if let expected = cases[i].expected {
                let src = fy[5].split(separator: ",").first.map(String.init) ?? fy[7].split(separator: ",").first.map(String.init)
                let dst = fy[6].split(separator: ",").first.map(String.init) ?? fy[8].split(separator: ",").first.map(String.init)
                #expect(src == expected.0 && dst == expected.1, "\(cases[i].name): tshark sees \(String(describing: src)) > \(String(describing: dst))")
            }
        }
        let comments = TestSupport.run(tshark, ["-r", dir + "/out.pcapng", "-Y", #"frame.comment contains "dst 10.1.0.7→10.9.0.7""#])
        #expect(comments.stdout.split(separator: "\n").count >= 8)
    }
}

/// `fixtures/nat/cases.pcapng` (the NAT fixture, for users and the README) is what NATFixture
/// builds; ROAMCAP_RECORD_FIXTURES=1 re-records it.
@Suite struct NATFixtureGoldenTests {
    @Test func committedFixtureIsCurrent() throws {
        let path = TestSupport.root + "/fixtures/nat/cases.pcapng"
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try NATFixture.write(dir + "/fresh.pcapng")
        let fresh = TestSupport.readFile(dir + "/fresh.pcapng")
        if getenv("ROAMCAP_RECORD_FIXTURES") != nil {
            TestSupport.writeFile(path, fresh)
            print("recorded \(path)")
        }
        #expect(TestSupport.readFile(path) == fresh, "fixtures/nat/cases.pcapng is stale: run with ROAMCAP_RECORD_FIXTURES=1")
    }
}

/// roamcap against tcprewrite with the equivalent static single-entry map.
@Suite struct TcprewriteComparisonTests {
    /// Packets where roamcap deliberately differs from tcprewrite, and why.
    static let deliberateDifferences: [String: String] = [
        "icmp error to primary": "tcprewrite leaves the quoted header of an ICMP error untranslated; roamcap translates it (RFC 5508)",
        "icmp error from post": "tcprewrite leaves the quoted header of an ICMP error untranslated; roamcap translates it (RFC 5508)",
        "bad tcp checksum to primary": "tcprewrite --fixcsum recomputes (repairs) a wrong checksum; roamcap keeps it wrong by the same amount",
        "udp checksum becoming 0": "tcprewrite writes a computed UDP checksum of 0 as 0x0000 ('no checksum'); roamcap writes 0xFFFF (RFC 768)",
        "ipv6 ext headers tcp to primary": "tcprewrite replaces the Ethernet addresses of IPv6 frames with 33:33:… multicast MACs; roamcap leaves link headers alone",
        "ipv6 udp from post": "tcprewrite replaces the Ethernet addresses of IPv6 frames with 33:33:… multicast MACs; roamcap leaves link headers alone",
        "icmpv6 error from post": "tcprewrite replaces the Ethernet addresses of IPv6 frames with 33:33:… multicast MACs; roamcap leaves link headers alone",
    ]

    @Test(.enabled(if: TestSupport.which("tcprewrite") != nil, "tcprewrite is not installed"))
    func identicalBytesButForNamedDifferences() throws {
        let tcprewrite = try #require(TestSupport.which("tcprewrite"))
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try NATFixture.write(dir + "/in.pcap", format: .pcap)
        TestSupport.writeFile(dir + "/table.csv", Array("primary,new\n10.1.0.7,10.9.0.7\n".utf8))
        let ours = TestSupport.run(TestSupport.binary, ["rewrite", dir + "/in.pcap", "-o", dir + "/roamcap.pcap",
                                                        "--table", dir + "/table.csv"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = TestSupport.run(tcprewrite, ["--dstipmap=10.1.0.7/32:10.9.0.7/32", "--srcipmap=10.9.0.7/32:10.1.0.7/32",
                                                  "--fixcsum", "-i", dir + "/in.pcap", "-o", dir + "/tcprewrite.pcap"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let a = try TestSupport.packets(dir + "/roamcap.pcap")
        let b = try TestSupport.packets(dir + "/tcprewrite.pcap")
        let names = NATFixture.cases().filter { $0.interface == 0 }.map(\.name)
        #expect(a.count == b.count && a.count == names.count)
        var same = 0
        var differing: [String] = []
        for (i, name) in names.enumerated() where i < min(a.count, b.count) {
            if a[i].2 == b[i].2 { same += 1; continue }
            differing.append(name)
            #expect(Self.deliberateDifferences[name] != nil, "\(name): roamcap and tcprewrite differ unexpectedly")
        }
        print("roamcap vs tcprewrite: \(same) of \(names.count) packets byte-identical; deliberate differences:")
        for name in differing { print("  \(name): \(Self.deliberateDifferences[name] ?? "UNEXPLAINED")") }
    }
}
