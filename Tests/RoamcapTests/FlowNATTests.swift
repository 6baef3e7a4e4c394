import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// Flows that understand the move (SPEC §1 with `flows`): a hand-worked trace of a client asking
/// a VM every 100 ms over UDP. The VM (MAC 02:..:02, primary 10.0.0.2) answers from its primary
/// at site A until 1.901 s, moves to site B, and answers again from 4.001 s on — from its new
/// address 10.0.9.2, as a VM behind the migration NAT does. The client keeps asking the primary.
///
///     a.pcap (site A, port p1): requests 10.0.0.1:5353 → 10.0.0.2:53 at 0.0, 0.1, … 5.9 (60)
///                               replies  10.0.0.2:53 → 10.0.0.1:5353 at 0.001 … 1.901 (20)
///     b.pcap (site B, port p1): replies  10.0.9.2:53 → 10.0.0.1:5353 at 4.001 … 5.901 (20)
///     notification at 3.9 s: web-1 10.0.0.2 → 10.0.9.2
///
/// Worked by hand, with the NAT table: one flow, 100 packets (60 + 20 + 20), src the client; one
/// silence outage, forward (the client's requests were lost), from the first unanswered request
/// (2.0) to the VM's next frame (4.001), holding the requests sent into it but the last, which
/// was answered: 2.0, 2.1, … 3.9 = 20 frames; tied to the VM's migration A/p1 → B/p1, seen at
/// 4.001 (its first frame at B, inside the window). Without the table: the same flow is silent
/// from 2.0 to the end (40 frames: 2.0 … 5.9 — no answer ever comes to the primary, and the
/// window at the end of the input keeps the last one), and the VM's answers are a second,
/// one-way flow from 10.0.9.2.
@Suite struct FlowNATTests {
    typealias T = FlowTrace
    static let newAddress = "10.0.9.2"

    static func reply(from source: String) -> [UInt8] {
        let u = NATFixture.udp({ NATFixture.pseudo4(source, T.client, 17, $0) }, sport: 53, dport: 5353,
                               payload: [UInt8](repeating: 7, count: 4))
        return T.ether(from: T.serverMAC, to: T.clientMAC, type: 0x0800,
                       NATFixture.ipv4(source, T.client, proto: 17, payload: u))
    }

    /// Writes a.pcap, b.pcap, the topology and the notification log; returns the directory.
    static func writeFixture() throws -> String {
        let dir = TestSupport.temporaryDirectory()
        var siteA: [(Double, [UInt8])] = [], siteB: [(Double, [UInt8])] = []
        for k in 0..<60 {
            let t = Double(k) / 10
            siteA.append((t, T.udp(forward: true)))
            if k < 20 { siteA.append((t + 0.001, reply(from: T.server))) }
            if k >= 40 { siteB.append((t + 0.001, reply(from: newAddress))) }
        }
        try T.write(dir + "/a.pcap", siteA)
        try T.write(dir + "/b.pcap", siteB)
        TestSupport.writeFile(dir + "/topology.yaml", Array("""
            sites:
              A: { ports: { p1: "a.pcap" } }
              B: { ports: { p1: "b.pcap" } }
            """.utf8))
        TestSupport.writeFile(dir + "/moves.ndjson", Array("""
            {"time": 3.9, "vm": "web-1", "primary": "\(T.server)", "new": "\(newAddress)"}

            """.utf8))
        return dir
    }

    static func analyze(_ dir: String, nat: FlowMigrationNAT?) throws -> FlowAnalysis {
        try analyzeFlows(inputs: [dir + "/a.pcap", dir + "/b.pcap"], topology: try Topology.load(path: dir + "/topology.yaml"),
                         settings: FlowSettings(silenceRuns: false), nat: nat)
    }

    @Test func aVMAnsweringFromItsNewAddressContinuesTheFlow() throws {
        let dir = try Self.writeFixture()
        defer { TestSupport.removeTree(dir) }
        let entries = try MigrationTableLoader.loadNotifications(path: dir + "/moves.ndjson")
        let result = try Self.analyze(dir, nat: FlowMigrationNAT(entries: entries))
        #expect(result.flows.count == 1)
        let flow = try #require(result.flows.first)
        #expect(flow.source == IPAddress(T.client) && flow.destination == IPAddress(T.server))
        #expect(flow.flow.packets == 100)
        #expect(flow.flow.outages.count == 1)
        let outage = try #require(flow.flow.outages.first)
        #expect(outage.cause == .silence && flow.direction(outage) == "forward")
        #expect(outage.frames == 20)
        #expect(outage.start == T.time(2.0) && outage.end == T.time(4.001))
        let migration = try #require(flow.migration)
        #expect(migration.kind == .migration)
        #expect(migration.mac == MACAddress("02:00:00:00:00:02"))
        #expect(migration.time == T.time(4.001))
        #expect(outage.migration?.time == migration.time)
    }

    @Test func withoutTheTableTheMoveLooksLikeAnOutageAndAOneWayFlow() throws {
        let dir = try Self.writeFixture()
        defer { TestSupport.removeTree(dir) }
        let result = try Self.analyze(dir, nat: nil)
        #expect(result.flows.count == 2)
        let dark = try #require(result.flows.first)
        #expect(dark.destination == IPAddress(T.server) && dark.flow.packets == 80)
        #expect(dark.flow.outages.map(\.frames) == [40])
        #expect(dark.flow.outages.first?.start == T.time(2.0))
        let oneWay = try #require(result.flows.last)
        #expect(oneWay.source == IPAddress(Self.newAddress) && oneWay.flow.packets == 20)
    }

    @Test func learnedFromAGratuitousARP() throws {
        // The same trace with the VM's ARP reply at 0.0005 s binding its MAC to its primary (at A),
        // and its gratuitous ARP at B announcing its new address at 3.95 s: the learned entry
        // primary → new is active from then on, before the first answer from the new address.
        let dir = try Self.writeFixture()
        defer { TestSupport.removeTree(dir) }
        func arp(_ op: UInt8, _ address: String, target: String, to: [UInt8]) -> [UInt8] {
            T.ether(from: T.serverMAC, to: to, type: 0x0806,
                    [0, 1, 8, 0, 6, 4, 0, op] + T.serverMAC + NATFixture.v4(address)
                        + (op == 2 ? T.clientMAC : [0, 0, 0, 0, 0, 0]) + NATFixture.v4(target))
        }
        var siteA: [(Double, [UInt8])] = [(0.0005, arp(2, T.server, target: T.client, to: T.clientMAC))]
        var siteB: [(Double, [UInt8])] = [(3.95, arp(1, Self.newAddress, target: Self.newAddress,
                                                     to: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))]
        for k in 0..<60 {
            let t = Double(k) / 10
            siteA.append((t, T.udp(forward: true)))
            if k < 20 { siteA.append((t + 0.001, Self.reply(from: T.server))) }
            if k >= 40 { siteB.append((t + 0.001, Self.reply(from: Self.newAddress))) }
        }
        siteA.sort { $0.0 < $1.0 }
        try T.write(dir + "/a.pcap", siteA)
        try T.write(dir + "/b.pcap", siteB)
        let result = try Self.analyze(dir, nat: FlowMigrationNAT(learn: true))
        let udp = result.flows.filter { $0.protocolName == "udp" }
        #expect(udp.count == 1)
        #expect(udp.first?.flow.packets == 100)
        #expect(udp.first?.flow.outages.map(\.frames) == [20])
    }

    @Test func commandLineTakesTheRewriteOptions() throws {
        let dir = try Self.writeFixture()
        defer { TestSupport.removeTree(dir) }
        let base = ["flows", dir + "/a.pcap", dir + "/b.pcap", "--topology", dir + "/topology.yaml", "--no-silence-runs",
                    "--format", "ndjson"]
        let with = TestSupport.run(TestSupport.binary, base + ["--notifications", dir + "/moves.ndjson"])
        #expect(with.status == 0, "\(with.stderr)")
        let lines = with.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"frames\":20,\"cause\":\"silence\"") == true)
        let without = TestSupport.run(TestSupport.binary, base)
        #expect(without.stdout.split(separator: "\n").count == 2)
    }
}

/// A routed conversation whose two directions are captured on two VLANs (client → server on
/// VLAN 10, server → client on VLAN 20): one flow naming both VLANs, not two half-flows; both
/// sides of the router captured (each direction on both VLANs) stays two flows, so no frame
/// counts twice.
@Suite struct FlowAcrossVLANsTests {
    typealias T = FlowTrace

    static func tagged(_ frame: [UInt8], vlan: Int) -> [UInt8] {
        Array(frame[0..<12]) + [0x81, 0x00] + NATFixture.be16(vlan) + Array(frame[12...])
    }

    @Test func twoDirectionsOnTwoVLANsAreOneFlow() throws {
        var frames: [(Double, [UInt8])] = []
        for k in 0..<10 {
            frames.append((Double(k) / 10, Self.tagged(T.udp(forward: true), vlan: 10)))
            frames.append((Double(k) / 10 + 0.001, Self.tagged(T.udp(forward: false), vlan: 20)))
        }
        let result = try T.analyze(frames)
        #expect(result.flows.count == 1)
        let flow = try #require(result.flows.first)
        #expect(flow.flow.packets == 20 && flow.flow.a.packets == 10 && flow.flow.b.packets == 10)
        #expect(flow.flow.segments == [10, 20])
        let json = flow.json(result.topology).rendered()
        #expect(json.contains("\"vlan\":10,\"vlans\":[10,20]"))
        #expect(flow.flow.outages.isEmpty)
    }

    @Test func bothSidesOfTheRouterStayTwoFlows() throws {
        var frames: [(Double, [UInt8])] = []
        for k in 0..<10 {
            let t = Double(k) / 10
            frames.append((t, Self.tagged(T.udp(forward: true), vlan: 10)))
            frames.append((t + 0.0001, Self.tagged(T.udp(forward: true), vlan: 20)))
            frames.append((t + 0.001, Self.tagged(T.udp(forward: false), vlan: 20)))
            frames.append((t + 0.0011, Self.tagged(T.udp(forward: false), vlan: 10)))
        }
        let result = try T.analyze(frames)
        #expect(result.flows.count == 2)
        #expect(result.flows.allSatisfy { $0.flow.packets == 20 && $0.flow.otherSegments.isEmpty })
        #expect(Set(result.flows.map { $0.flow.key.segment }) == [10, 20])
    }
}
