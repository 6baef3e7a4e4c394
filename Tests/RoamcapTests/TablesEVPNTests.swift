import CaptureFile
import Foundation
import PacketWire
import Testing

@testable import RoamcapKit

/// `tables` with the control plane captured (SPEC §8): EVPN events, each migration's
/// advertisement, duplicate detection on sequence numbers, `--at` snapshots with routes.
@Suite struct TablesEVPNTests {
    static func events(_ arguments: [String]) throws -> (events: [[String: Any]], stderr: String) {
        let result = TestSupport.run(TestSupport.binary, ["tables"] + arguments + ["--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (events, result.stderr)
    }

    @Test func handTraceEventsAndMigrationDelay() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try EVPNHandTrace.write(into: dir)
        let (events, stderr) = try Self.events([trace, "--topology", topology])
        // rr-span is no access port: warned about, but its BGP is read.
        #expect(stderr.contains("rr-span"))
        // Of the seven route events below, UPDATE 2's matches no site.
        #expect(stderr.contains("1 of 7 EVPN MAC/IP route events match no site"))
        let evpn = events.filter { ($0["event"] as? String)?.hasPrefix("evpn-") == true }
        // Seven events (EVPNHandTrace's table): UPDATE 1's three routes at packet 9 (0.55 s,
        // completed by its second segment), UPDATE 2 at 10, B's at 11, UPDATE 3 at 19; its
        // repeat at 20 is not reported; the withdrawal at 22.
        #expect(evpn.map { $0["packet"] as? Int } == [9, 9, 9, 10, 11, 19, 22])
        #expect(evpn.map { $0["event"] as? String } == Array(repeating: "evpn-advertise", count: 6) + ["evpn-withdraw"])
        #expect(evpn.map { $0["time"] as? String } == Array(repeating: "2026-11-20T10:00:00.550000000Z", count: 3)
                    + ["2026-11-20T10:00:00.600000000Z", "2026-11-20T10:00:00.700000000Z",
                       "2026-11-20T10:00:06.200000000Z", "2026-11-20T10:00:06.600000000Z"])
        #expect(evpn.map { $0["site"] as? String } == ["A", "A", "A", nil, "B", "C", "A"])
        #expect(evpn[3]["site"] is NSNull)
        #expect(evpn.map { $0["mac"] as? String } == ["02:00:00:00:00:07", "02:00:00:00:00:01", "02:00:00:00:00:04",
                                                      "02:00:00:00:00:55", "02:00:00:00:00:02", "02:00:00:00:00:07",
                                                      "02:00:00:00:00:07"])
        #expect(evpn.map { $0["ip"] as? String } == ["10.0.0.7", "10.0.0.1", "10.0.0.4", "10.0.0.55", "10.0.0.2", "10.0.0.7",
                                                     "10.0.0.7"])
        #expect(evpn.map { $0["rd"] as? String } == ["192.0.2.1:10", "192.0.2.1:10", "192.0.2.1:10", "198.51.100.9:10",
                                                     "192.0.2.2:10", "192.0.2.3:10", "192.0.2.1:10"])
        #expect(evpn.map { $0["nextHop"] as? String } == ["192.0.2.1", "192.0.2.1", "192.0.2.1", "198.51.100.9",
                                                          "192.0.2.2", "192.0.2.3", "192.0.2.1"])
        // No MAC Mobility but on C's route (sequence 1); the withdrawal has A's (none).
        #expect(evpn.map { $0["seq"] as? Int } == [nil, nil, nil, nil, nil, 1, nil])
        for event in evpn {
            // VNI 10010 is VLAN 0 by evpn-vnis: the segment of the untagged data frames.
            #expect(event["vni"] as? Int == 10010 && event["vlan"] as? Int == 0 && event["segment"] == nil)
            #expect(event["sticky"] as? Bool == false)
        }
        // The migration of M to C at 5.0 s (packet 16, a GARP); C advertised it at 6.2 s: 1.2 s later.
        let migrations = events.filter { $0["event"] as? String == "migration" }
        #expect(migrations.count == 1)
        let migration = try #require(migrations.first)
        #expect(migration["packet"] as? Int == 16 && migration["evidence"] as? String == "garp")
        #expect(migration["advertised"] as? String == "2026-11-20T10:00:06.200000000Z")
        let delay = try #require(migration["advertiseDelay"] as? Double)
        #expect(abs(delay - 1.2) < 1e-9)
        // Events stay in time order: the first advertisement comes between packet 6's events and packet 10's.
        let packets = events.compactMap { $0["packet"] as? Int }
        let times = events.compactMap { $0["time"] as? String }
        #expect(times == times.sorted(), "\(packets)")
    }

    @Test func migrationWithoutAdvertisementAndWithoutControlPlane() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try EVPNHandTrace.write(into: dir)
        // A read filter that drops the BGP frames: no control plane, so no advertised fields.
        let without = try Self.events([trace, "--topology", topology, "--read-filter", "not tcp"]).events
        let withoutRoutes = without.filter { ($0["event"] as? String)?.hasPrefix("evpn-") == true }
        #expect(withoutRoutes.isEmpty)
        let migration = try #require(without.first { $0["event"] as? String == "migration" })
        #expect(migration["advertised"] == nil && migration["advertiseDelay"] == nil)
        // Only A's session (C's ED is 192.0.2.3): routes captured, but none from C after the migration.
        let onlyA = try Self.events([trace, "--topology", topology, "--read-filter", "not host 192.0.2.3"]).events
        let routesOfA = onlyA.filter { ($0["event"] as? String)?.hasPrefix("evpn-") == true }
        // A's three, the unattributed one, B's, A's withdrawal.
        #expect(routesOfA.count == 6)
        let unadvertised = try #require(onlyA.first { $0["event"] as? String == "migration" })
        #expect(unadvertised["advertised"] is NSNull && unadvertised["advertiseDelay"] is NSNull)
    }

    @Test func snapshotShowsEachSitesRoutes() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try EVPNHandTrace.write(into: dir)
        func routes(at: String) throws -> [[String: Any]] {
            let result = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--at", at,
                                                              "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return try #require(object["evpn"] as? [[String: Any]])
        }
        // At 6.25 s: A's routes for a, d, M (by MAC; M's not yet withdrawn), B's, C's (6.2 s),
        // and the unattributed one, in topology order with the unattributed last.
        let before = try routes(at: "6.25")
        #expect(before.map { $0["site"] as? String } == ["A", "A", "A", "B", "C", nil])
        #expect(before.map { $0["mac"] as? String } == ["02:00:00:00:00:01", "02:00:00:00:00:04", "02:00:00:00:00:07",
                                                        "02:00:00:00:00:02", "02:00:00:00:00:07", "02:00:00:00:00:55"])
        #expect(before[4]["seq"] as? Int == 1 && before[4]["advertised"] as? String == "2026-11-20T10:00:06.200000000Z")
        // At 7 s A's route for M is withdrawn (6.6 s).
        #expect(try routes(at: "7").map { $0["mac"] as? String } == ["02:00:00:00:00:01", "02:00:00:00:00:04",
                                                                     "02:00:00:00:00:02", "02:00:00:00:00:07",
                                                                     "02:00:00:00:00:55"])
        // --mac keeps that station's routes only: C's for M at 7 s.
        let one = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--at", "7", "--mac",
                                                       "02:00:00:00:00:07", "--format", "json"])
        let oneObject = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        #expect((oneObject["evpn"] as? [[String: Any]])?.map { $0["rd"] as? String } == ["192.0.2.3:10"])
        // The human table has a third section.
        let table = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--at", "7"])
        #expect(table.stdout.contains("EVPN MAC/IP routes at"))
    }

    /// RFC 7432 §15 on sequence numbers: with N = 3, M = 180 s, a MAC advertised with sequence
    /// numbers 0 (A, 0 s), 1 (C, 10 s), 2 (A, 20 s), 2 again (B, 25 s: not higher, no move),
    /// 3 (C, 30 s) has moved three times in 20 s: `duplicate-mac`, evidence evpn, at 30 s; a
    /// fourth move (4, A, 40 s) is not reported again.
    @Test func duplicateMACOnSequenceNumbers() throws {
        let topology = try Topology.parse(EVPNHandTrace.topology, file: "t.yaml")
        let tracker = TableTracker(topology: topology, settings: TableSettings(duplicateMoves: 3))
        let session = TCPDirectionKey(source: .v4(IPv4Address(192, 0, 2, 1)), sourcePort: 40001,
                                      destination: .v4(IPv4Address(192, 0, 2, 100)), destinationPort: 179)
        let steps: [(Int64, UInt8, UInt32)] = [(0, 1, 0), (10, 3, 1), (20, 1, 2), (25, 2, 2), (30, 3, 3), (40, 1, 4)]
        for (index, (seconds, site, sequence)) in steps.enumerated() {
            var attributes = BGPRouteAttributes()
            attributes.nextHop = .v4(IPv4Address(192, 0, 2, site))
            attributes.sequence = sequence
            attributes.tunnelTypes = [8]
            let route = EVPNHandTrace.route(EVPNHandTrace.m, ip: "10.0.0.7", rd: "192.0.2.\(site):10")
            tracker.observe(route: BGPRouteRecord(time: Timestamp(seconds: 1000 + seconds, nanoseconds: 0), packet: index + 1,
                                                  session: session, via: .bgp, bmpPeer: nil, action: .advertise,
                                                  family: .evpn, evpn: route, prefix: nil, attributes: attributes))
        }
        #expect(tracker.events.filter { $0.kind == .evpnAdvertise }.map(\.packet) == [1, 2, 3, 4, 5, 6])
        let duplicates = tracker.events.filter { $0.kind == .duplicateMAC }
        #expect(duplicates.count == 1)
        let duplicate = try #require(duplicates.first)
        #expect(duplicate.packet == 5 && duplicate.evidence == .evpn && duplicate.moves == 3)
        #expect(duplicate.evpn?.site == "C" && duplicate.segment == Segment(vlan: 0))
        let json = duplicate.json(topology).rendered()
        #expect(json.contains("\"event\":\"duplicate-mac\"") && json.contains("\"evidence\":\"evpn\""))
    }

    @Test(.enabled(if: TestSupport.fileExists(BGPCommandTests.evpnCapture)))
    func realCaptureRoutesAreEvents() throws {
        // The capture's 10 type-2 routes (BGPCommandTests.tcpdumpEVPNCapture): RDs
        // 172.21.64.17:N, VNI N (no evpn-vnis: the VNI is the segment), MACs 02:00:00:0N:..,
        // all in packet 1; no topology claims them, so site is null.
        let (events, _) = try Self.events([BGPCommandTests.evpnCapture])
        let evpn = events.filter { $0["event"] as? String == "evpn-advertise" }
        #expect(evpn.count == 10)
        for event in evpn {
            let rd = try #require(event["rd"] as? String)
            let n = try #require(Int(rd.split(separator: ":").last!))
            #expect(event["site"] is NSNull && event["packet"] as? Int == 1)
            #expect(event["vni"] as? Int == n && event["vlan"] as? Int == n && event["segment"] as? String == "vxlan")
            #expect((event["mac"] as? String)?.hasPrefix("02:00:00:0\(n):") == true)
            #expect(event["nextHop"] as? String == "172.21.64.17")
        }
    }
}

/// `topology check` with traces lists the EVPN next hops no site claims (SPEC §8).
@Suite struct TopologyCheckNextHopTests {
    @Test func unclaimedNextHopsOfTheHandTrace() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try EVPNHandTrace.write(into: dir)
        // A, B and C claim 192.0.2.1-3; UPDATE 2's 198.51.100.9 is nobody's (the withdrawal
        // carries no next hop). rr-span is unclaimed too: exit 1.
        let result = TestSupport.run(TestSupport.binary, ["topology", "check", topology, trace, "--format", "json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["unclaimedNextHops"] as? [String] == ["198.51.100.9"])
        #expect(result.stderr.contains("EVPN next hops no site claims: 198.51.100.9"))
        // The real capture: its routes' next hop 172.21.64.17 (and the IPv4 unicast one, not EVPN) under a topology without evpn.
        if TestSupport.fileExists(BGPCommandTests.evpnCapture) {
            let plain = dir + "/plain.yaml"
            TestSupport.writeFile(plain, Array("sites:\n  A: { ports: { p1: \"nothing\" } }\n".utf8))
            let real = TestSupport.run(TestSupport.binary, ["topology", "check", plain, BGPCommandTests.evpnCapture, "--format", "json"])
            let realObject = try #require(try JSONSerialization.jsonObject(with: Data(real.stdout.utf8)) as? [String: Any])
            #expect(realObject["unclaimedNextHops"] as? [String] == ["172.21.64.17"])
        }
    }
}
