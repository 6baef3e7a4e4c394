import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// On every real capture with ARP, roamcap's untagged ARP bindings and its changed-mac and
/// flip-flop events are arpwatch's (`arpwatch -d -N -Q -f EMPTY -r FILE`, reports on stderr),
/// with two deliberate differences asserted here: roamcap ignores sender 0.0.0.0 (RFC 5227
/// probes claim no address), and binds the address a RARP reply assigns.
@Suite struct ArpwatchAgreementTests {
    /// Corpus files whose manifest row counts ARP frames, with their encapsulation.
    static func filesWithARP() -> [(file: String, encapsulation: String)] {
        guard let corpus = TestSupport.corpus else { return [] }
        let text = String(decoding: TestSupport.readFile(corpus + "/manifest.tsv"), as: UTF8.self)
        var out: [(String, String)] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count > 8, let arp = Int(f[8]), arp > 0 else { continue }
            out.append((f[0], f[4]))
        }
        return out
    }

    /// Runs arpwatch offline on a capture: its reports as "kind ip mac [old]" lines, and its exit status.
    static func arpwatch(_ path: String, binary: String) -> (reports: [String], status: Int32) {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/arp.dat", [])
        // -d: stay in the foreground and print reports instead of mailing them; -N: no bogon
        // checks (there is no local network when reading a file); -Q: never mail. The resolver
        // options keep its host name lookups from waiting on a network that is not there.
        let r = TestSupport.run("/usr/bin/env", ["RES_OPTIONS=timeout:1 attempts:1", binary, "-d", "-N", "-Q",
                                                 "-f", dir + "/arp.dat", "-r", path])
        var reports: [String] = []
        var kind: String?
        var ip = "", mac = "", old = ""
        func flush() {
            if let kind { reports.append([kind, ip, mac, old].filter { !$0.isEmpty }.joined(separator: " ")) }
            kind = nil; ip = ""; mac = ""; old = ""
        }
        for raw in (r.stdout + "\n" + r.stderr).split(separator: "\n") {
            let line = raw.trimmingCharacters()
            if line.hasPrefix("Subject: ") {
                flush()
                if line.hasPrefix("Subject: new station") { kind = "new-station" }
                else if line.hasPrefix("Subject: changed ethernet address") { kind = "changed-mac" }
                else if line.hasPrefix("Subject: flip flop") { kind = "flip-flop" }
                else { kind = "other:" + line }
            } else if line.hasPrefix("ip address: ") {
                ip = String(line.dropFirst("ip address: ".count))
            } else if line.hasPrefix("ethernet address: ") {
                mac = String(line.dropFirst("ethernet address: ".count))
            } else if line.hasPrefix("old ethernet address: ") {
                old = String(line.dropFirst("old ethernet address: ".count))
            } else if let range = line.range(of: "reused old ethernet address ") {
                // Only syslogged by arpwatch: "reused old ethernet address IP MAC (OLD)".
                flush()
                let parts = line[range.upperBound...].split(separator: " ").map(String.init)
                if parts.count >= 3 {
                    reports.append("changed-mac \(parts[0]) \(parts[1]) \(parts[2].trimmingParentheses())")
                }
            }
        }
        flush()
        return (reports.map(normalizeMACs), r.status)
    }

    /// arpwatch prints MACs without leading zeros (0:c:29:…); roamcap with two digits.
    static func normalizeMACs(_ line: String) -> String {
        line.split(separator: " ").map { word -> String in
            if let mac = MACAddress(String(word)) { return mac.description }
            return String(word)
        }.joined(separator: " ")
    }

    /// roamcap's events in the same form, restricted to what arpwatch watches: untagged ARP and
    /// RARP replies, minus the bindings of the address a RARP reply assigns.
    static func roamcap(_ path: String) throws -> [String] {
        let result = try rebuildTables(inputs: [path], topology: nil)
        let assigned = try rarpAssignments(path)
        return result.events.compactMap { event -> String? in
            guard event.segment == Segment(vlan: 0), let ip = event.ip, event.via == .arp || event.via == .rarp else { return nil }
            if event.kind == .newStation && assigned.contains("\(ip) \(event.mac)") { return nil }
            switch event.kind {
            case .newStation: return "new-station \(ip) \(event.mac)"
            case .changedMAC: return "changed-mac \(ip) \(event.mac) \(event.previousMAC!)"
            case .flipFlop: return "flip-flop \(ip) \(event.mac) \(event.previousMAC!)"
            default: return nil
            }
        }
    }

    /// The (target IP, target MAC) of every RARP reply in a capture.
    static func rarpAssignments(_ path: String) throws -> Set<String> {
        let reader = try CaptureReader(path: path)
        var decoded = DecodedPacket()
        var out = Set<String>()
        while let packet = try reader.nextPacket() {
            PacketDecoder(linkType: LinkType(rawValue: reader.interfaces[packet.interface].linkType)).decode(packet.data, into: &decoded)
            if decoded.etherType == .rarp, let arp = decoded.arp, arp.operation == .reverseReply {
                out.insert("\(arp.targetProtocolAddress) \(arp.targetHardwareAddress)")
            }
        }
        return out
    }

    @Test(.enabled(if: TestSupport.which("arpwatch") != nil, "arpwatch is not installed"), .enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func bindingsAndChangesAgreeWithArpwatch() throws {
        let binary = try #require(TestSupport.which("arpwatch")), corpus = try #require(TestSupport.corpus)
        let files = Self.filesWithARP()
        try #require(!files.isEmpty)
        var compared = 0, reports = 0, changes = 0
        for (file, encapsulation) in files {
            let path = corpus + "/" + file
            let theirs = Self.arpwatch(path, binary: binary)
            guard encapsulation == "ether" else {
                // arpwatch reads Ethernet (and FDDI) only; roamcap reads these too (TablesTests).
                #expect(theirs.status != 0 || theirs.reports.isEmpty, "\(file)")
                continue
            }
            #expect(theirs.status == 0, "arpwatch failed on \(file)")
            // Deliberate difference: sender 0.0.0.0 is a probe, not a binding.
            let expected = theirs.reports.filter { !$0.contains(" 0.0.0.0 ") }.sorted()
            let ours = try Self.roamcap(path).sorted()
            #expect(ours == expected, "\(file): roamcap \(ours) vs arpwatch \(expected)")
            compared += 1
            reports += expected.count
            changes += expected.filter { !$0.hasPrefix("new-station") }.count
        }
        #expect(compared >= 20)
        #expect(changes >= 3)  // tcpdump__arp-oobr.pcap: two changed ethernet addresses and a flip flop
        print("arpwatch agreement: \(compared) captures, \(reports) reports, \(changes) changes")
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func trimmingParentheses() -> String {
        var s = Substring(self)
        if s.first == "(" { s = s.dropFirst() }
        if s.last == ")" { s = s.dropLast() }
        return String(s)
    }
}
