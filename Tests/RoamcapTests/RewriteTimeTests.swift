import CaptureFile
import Foundation
import PacketWire
import RoamcapKit
import Testing

/// Time-awareness, learning, inputs and errors of `roamcap rewrite`.
@Suite struct RewriteTimeTests {
    let roamcap = TestSupport.binary

    /// Writes `frames` one second apart from 2026-11-20T10:00:00Z as Ethernet pcap.
    static func writeTrace(_ path: String, _ frames: [[UInt8]]) throws {
        let output = try OutputFile(path: path, force: true)
        let writer = try PcapWriter(output: output, linkType: 1, snapLength: 65535, nanosecond: false)
        for (i, f) in frames.enumerated() {
            try f.withUnsafeBytes {
                try writer.write(timestamp: Timestamp(seconds: SampleTraces.base + Int64(i), nanoseconds: 0),
                                 originalLength: f.count, data: $0)
            }
        }
        try output.commit()
    }

    static func udpTo(_ destination: String) -> [UInt8] {
        let u = NATFixture.udp { NATFixture.pseudo4(NATFixture.c4, destination, 17, $0) }
        return NATFixture.ether(NATFixture.ipv4(NATFixture.c4, destination, proto: 17, payload: u), type: 0x0800)
    }

    /// Gratuitous ARP (request form: sender IP == target IP) from `mac` for `ip`.
    static func garp(mac: [UInt8], ip: String) -> [UInt8] {
        var f: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + mac + [0x08, 0x06]
        f += [0, 1, 8, 0, 6, 4, 0, 1] + mac + NATFixture.v4(ip) + [0, 0, 0, 0, 0, 0] + NATFixture.v4(ip)
        return f
    }

    static func destinations(_ path: String) throws -> [String] {
        try TestSupport.packets(path).map { RewriteTests.addresses($0.2, linkType: 1)?.1 ?? "-" }
    }

    @Test func notificationTimesAndSupersedingMoves() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try Self.writeTrace(dir + "/in.pcap", Array(repeating: Self.udpTo("10.1.0.7"), count: 10))
        // Moves at +5 s to 10.9.0.7, at +7 s (absolute) to 10.9.9.7; removed at +9 s.
        TestSupport.writeFile(dir + "/n.ndjson", Array("""
        {"time": 5, "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.0.7"}
        {"time": "2026-11-20T10:00:07Z", "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.9.7"}
        {"time": 9, "vm": "web-1", "primary": "10.1.0.7", "new": null}
        """.utf8))
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap", "--notifications", dir + "/n.ndjson"])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = Array(repeating: "10.1.0.7", count: 5) + ["10.9.0.7", "10.9.0.7", "10.9.9.7", "10.9.9.7", "10.1.0.7"]
        #expect(try Self.destinations(dir + "/out.pcap") == expected)
        // Packets before the first notification are byte-identical to the input.
        let a = try TestSupport.packets(dir + "/in.pcap"), b = try TestSupport.packets(dir + "/out.pcap")
        for i in 0..<5 { #expect(a[i].2 == b[i].2) }
    }

    /// SPEC §5: the summary's names, with relative times echoed as absolute ones and `until` set
    /// where a later entry replaced or removed an entry.
    @Test func summaryNamesAndAbsoluteTimes() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try Self.writeTrace(dir + "/in.pcap", Array(repeating: Self.udpTo("10.1.0.7"), count: 10))
        TestSupport.writeFile(dir + "/n.ndjson", Array("""
        {"time": 5, "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.0.7"}
        {"time": "2026-11-20T10:00:07Z", "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.9.7"}
        {"time": 9, "vm": "web-1", "primary": "10.1.0.7", "new": null}
        """.utf8))
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap",
                                          "--notifications", dir + "/n.ndjson", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(summary["packets"] as? Int == 10)
        #expect(summary["rewritten"] as? Int == 4)
        #expect(summary["byDestination"] as? Int == 4)
        #expect(summary["bySource"] as? Int == 0)
        #expect(summary["truncated"] as? Int == 0)
        let entries = try #require(summary["entries"] as? [[String: Any]])
        #expect(entries.count == 3)
        #expect(entries.map { $0["vm"] as? String } == ["web-1", "web-1", "web-1"])
        #expect(entries.map { $0["new"] as? String } == ["10.9.0.7", "10.9.9.7", nil])
        #expect(entries.map { $0["from"] as? String } == ["2026-11-20T10:00:05.000000000Z", "2026-11-20T10:00:07.000000000Z",
                                                           "2026-11-20T10:00:09.000000000Z"])
        #expect(entries.map { $0["until"] as? String } == ["2026-11-20T10:00:07.000000000Z", "2026-11-20T10:00:09.000000000Z", nil])
        #expect(entries.map { $0["packets"] as? Int } == [2, 2, 0])
        #expect(entries.allSatisfy { $0["learnedAt"] == nil })
    }

    @Test func staticTablesInYAMLAndCSVWithWindows() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try Self.writeTrace(dir + "/in.pcap", Array(repeating: Self.udpTo("10.1.0.7"), count: 6))
        TestSupport.writeFile(dir + "/t.yaml", Array("- { vm: web-1, primary: 10.1.0.7, new: 10.9.0.7, from: 2, until: 4 }\n".utf8))
        TestSupport.writeFile(dir + "/t.csv", Array("vm,primary,new,from,until\nweb-1,10.1.0.7,10.9.0.7,2,4\n".utf8))
        for table in ["t.yaml", "t.csv"] {
            let out = dir + "/out-\(table).pcap"
            let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", out, "--table", dir + "/" + table])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Self.destinations(out) == ["10.1.0.7", "10.1.0.7", "10.9.0.7", "10.9.0.7", "10.1.0.7", "10.1.0.7"])
        }
    }

    @Test func learnsFromGratuitousARPFromThatPacketOn() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let vm: [UInt8] = [0x02, 0, 0, 0, 0, 0x07]
        // The VM is bound to 10.1.0.7 (its first ARP), then announces 10.9.0.7, then 10.1.0.7 again.
        let frames = [Self.garp(mac: vm, ip: "10.1.0.7"), Self.udpTo("10.1.0.7"), Self.garp(mac: vm, ip: "10.9.0.7"),
                      Self.udpTo("10.1.0.7"), Self.udpTo("10.1.0.7"), Self.garp(mac: vm, ip: "10.1.0.7"), Self.udpTo("10.1.0.7")]
        try Self.writeTrace(dir + "/in.pcap", frames)
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap", "--learn", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.destinations(dir + "/out.pcap") == ["-", "10.1.0.7", "-", "10.9.0.7", "10.9.0.7", "-", "10.1.0.7"])
        #expect(r.stdout.contains("\"mac\": \"02:00:00:00:00:07\""))
        #expect(r.stdout.contains("\"evidence\": \"garp\""))
        #expect(r.stdout.contains("\"endedAtPacket\": 6"))
        #expect(r.stdout.contains("\"byDestination\": 2"))
        #expect(r.stdout.contains("\"learnedAt\": 3"))
    }

    @Test func directionByInterface() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        // One file per side: on the VM side only the source check applies.
        let fromVM = NATFixture.ether(NATFixture.ipv4(NATFixture.n4, NATFixture.p4, proto: 17,
                                                      payload: NATFixture.udp { NATFixture.pseudo4(NATFixture.n4, NATFixture.p4, 17, $0) }), type: 0x0800)
        try Self.writeTrace(dir + "/vmside.pcap", [fromVM])
        TestSupport.writeFile(dir + "/t.csv", Array("primary,new\n10.1.0.7,10.9.0.7\n".utf8))
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/vmside.pcap", "-o", dir + "/a.pcap", "--table", dir + "/t.csv",
                                          "--vm-side", "vmside.pcap"])
        #expect(r.status == 0)
        // Source N → P, destination P left alone (the destination check does not apply here).
        #expect(try TestSupport.packets(dir + "/a.pcap").map { RewriteTests.addresses($0.2, linkType: 1)!.0 } == ["10.1.0.7"])
        #expect(try Self.destinations(dir + "/a.pcap") == ["10.1.0.7"])
        let both = TestSupport.run(roamcap, ["rewrite", dir + "/vmside.pcap", "-o", dir + "/b.pcap", "--table", dir + "/t.csv"])
        #expect(both.status == 0)
        #expect(try Self.destinations(dir + "/b.pcap") == ["10.9.0.7"])
    }

    @Test func manyInputsInParallelToADirectory() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        for name in ["a", "b", "c"] { try Self.writeTrace(dir + "/\(name).pcap", [Self.udpTo("10.1.0.7")]) }
        _ = TestSupport.run("/bin/mkdir", [dir + "/out"])
        TestSupport.writeFile(dir + "/t.csv", Array("primary,new\n10.1.0.7,10.9.0.7\n".utf8))
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/a.pcap", dir + "/b.pcap", dir + "/c.pcap", "-O", dir + "/out",
                                          "-j", "2", "--table", dir + "/t.csv", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["a", "b", "c"] { #expect(try Self.destinations(dir + "/out/\(name).pcap") == ["10.9.0.7"]) }
        #expect(r.stdout.split(separator: "\n").count == 4)
    }

    @Test(arguments: [
        ("n.ndjson", #"{"time": 1, "primary": "10.1.0.7"}"#, "n.ndjson:1:1: missing \"new\""),
        ("n.ndjson", "\n{\"time\": \"soon\", \"primary\": \"10.1.0.7\", \"new\": \"10.9.0.7\"}", "n.ndjson:2:10: \"time\" must be"),
        ("n.ndjson", "not json", "n.ndjson:1:1: expected a JSON object"),
        ("t.csv", "primary,new\n10.1.0.7,10.9.0\n", "t.csv:2:10: new '10.9.0' is not an IP address"),
        ("t.csv", "primary,neww\n", "t.csv:1:9: unknown column 'neww'"),
        ("t.yaml", "- { primary: 10.1.0.7, new: 10.9.0.7, colour: red }\n", "t.yaml:1:39: unknown key 'colour'"),
        ("t.yaml", "- { primary: 10.1.0.7\n", "t.yaml:2:1: YAML:"),
    ])
    func inputErrorsNameFileLineAndWhatWasExpected(file: String, content: String, message: String) throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try Self.writeTrace(dir + "/in.pcap", [Self.udpTo("10.1.0.7")])
        TestSupport.writeFile(dir + "/" + file, Array(content.utf8))
        let option = file.hasSuffix(".ndjson") ? "--notifications" : "--table"
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap", option, dir + "/" + file])
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!TestSupport.fileExists(dir + "/out.pcap"))
    }
}

extension RewriteTimeTests {
    @Test func directionFromTheTopologyFile() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let fromVM = NATFixture.ether(NATFixture.ipv4(NATFixture.n4, NATFixture.p4, proto: 17,
                                                      payload: NATFixture.udp { NATFixture.pseudo4(NATFixture.n4, NATFixture.p4, 17, $0) }), type: 0x0800)
        try Self.writeTrace(dir + "/vmside.pcap", [fromVM])
        TestSupport.writeFile(dir + "/t.csv", Array("primary,new\n10.1.0.7,10.9.0.7\n".utf8))
        TestSupport.writeFile(dir + "/topo.yaml", Array("""
        sites:
          C: { ports: { p1: "vmside.pcap" } }
        nat:
          vm-side: ["vmside.pcap"]
        """.utf8))
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/vmside.pcap", "-o", dir + "/a.pcap", "--table", dir + "/t.csv",
                                          "--topology", dir + "/topo.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.destinations(dir + "/a.pcap") == ["10.1.0.7"])
        TestSupport.writeFile(dir + "/bad.yaml", Array("sites: 3\n".utf8))
        let bad = TestSupport.run(roamcap, ["rewrite", dir + "/vmside.pcap", "-o", dir + "/b.pcap", "--table", dir + "/t.csv",
                                            "--topology", dir + "/bad.yaml"])
        #expect(bad.status == 2 && bad.stderr.contains("bad.yaml:1:"), "\(bad.stderr)")
    }
}

extension RewriteTimeTests {
    /// A DHCPACK from 10.9.0.1 giving `yiaddr` to `mac` (broadcast, UDP 67 → 68).
    static func dhcpAck(mac: [UInt8], yiaddr: String) -> [UInt8] {
        var bootp: [UInt8] = [2, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0] + [0, 0, 0, 0] + NATFixture.v4(yiaddr)
        bootp += [0, 0, 0, 0, 0, 0, 0, 0] + mac + [UInt8](repeating: 0, count: 10 + 64 + 128)
        bootp += [99, 130, 83, 99, 53, 1, 5, 255]
        let u = NATFixture.udp({ NATFixture.pseudo4("10.9.0.1", "255.255.255.255", 17, $0) }, sport: 67, dport: 68, payload: bootp)
        var f: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0x09, 0x01, 0x08, 0x00]
        f += NATFixture.ipv4("10.9.0.1", "255.255.255.255", proto: 17, payload: u)
        return f
    }

    @Test func learnsFromDHCPAck() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let vm: [UInt8] = [0x02, 0, 0, 0, 0, 0x07]
        try Self.writeTrace(dir + "/in.pcap", [Self.garp(mac: vm, ip: "10.1.0.7"), Self.dhcpAck(mac: vm, yiaddr: "10.9.0.7"),
                                               Self.udpTo("10.1.0.7")])
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap", "--learn", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"evidence\": \"dhcp\""))
        #expect(try Self.destinations(dir + "/out.pcap").last == "10.9.0.7")
    }
}

extension RewriteTimeTests {
    /// An ICMPv6 neighbor advertisement from `mac` for `target` (solicited or not), with a
    /// target link-layer address option.
    static func neighborAdvertisement(mac: [UInt8], target: String, solicited: Bool) -> [UInt8] {
        var na: [UInt8] = [136, 0, 0, 0, solicited ? 0x60 : 0x20, 0, 0, 0] + NATFixture.v6(target) + [2, 1] + mac
        let destination = "ff02::1"
        let c = NATFixture.checksum(na, pseudo: NATFixture.pseudo6(target, destination, 58, na.count))
        na[2] = UInt8(c >> 8); na[3] = UInt8(c & 0xFF)
        var ip = NATFixture.ipv6(target, destination, next: 58, payload: na)
        ip[7] = 255
        return [0x33, 0x33, 0, 0, 0, 1] + mac + [0x86, 0xDD] + ip
    }

    static func udp6To(_ destination: String) -> [UInt8] {
        let u = NATFixture.udp { NATFixture.pseudo6(NATFixture.c6, destination, 17, $0) }
        return NATFixture.ether(NATFixture.ipv6(NATFixture.c6, destination, next: 17, payload: u), type: 0x86DD)
    }

    @Test func learnsFromUnsolicitedNeighborAdvertisements() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let vm: [UInt8] = [0x02, 0, 0, 0, 0, 0x07]
        // Bound to 2001:db8:1::7 by a solicited NA; a solicited NA for another address is no
        // announcement; the unsolicited NA for 2001:db8:9::7 is.
        let frames = [Self.neighborAdvertisement(mac: vm, target: NATFixture.p6, solicited: true),
                      Self.neighborAdvertisement(mac: vm, target: "2001:db8:5::7", solicited: true),
                      Self.udp6To(NATFixture.p6),
                      Self.neighborAdvertisement(mac: vm, target: NATFixture.n6, solicited: false),
                      Self.udp6To(NATFixture.p6)]
        try Self.writeTrace(dir + "/in.pcap", frames)
        let r = TestSupport.run(roamcap, ["rewrite", dir + "/in.pcap", "-o", dir + "/out.pcap", "--learn", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"evidence\": \"unsolicited-na\""))
        #expect(r.stdout.contains("\"learnedAt\": 4"))
        let destinations = try Self.destinations(dir + "/out.pcap")
        #expect(destinations[2] == NATFixture.p6 && destinations[4] == NATFixture.n6)
    }
}
