import CaptureFile
import Foundation
import PacketWire
import Testing

@testable import RoamcapKit

/// `synth` with `bgp-evpn: true`: the captured control plane it writes replays, under
/// `simulate --control-plane captured`, exactly as `simulate` assumes it (igp-only with the
/// configured delays) — and a migration whose UPDATE is late loses what SPEC §2 predicts.
@Suite struct SynthControlPlaneTests {
    /// Three sites; vm1 (VLAN 10) moves from A to C at 5 s, silent 100 ms, then a GARP at 5.1 s;
    /// client at B sends it 20 packets a second (TCP, at 0.001 + 0.05 k s) and gets replies.
    /// C's advertise-delay is 1 s: its advertisement of vm1 goes out at 6.1 s.
    static func moving(extra: String? = nil) -> String {
        """
        start: 2026-11-20T10:00:00Z
        duration: 30s
        seed: 3
        bgp-evpn: true
        sites:
          A: { ports: [p1] }
          B: { ports: [p1] }
          C: { ports: [p1], advertise-delay: 1s }
        control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
        hosts:
          vm1:    { mac: "02:00:00:00:00:07", ip: 10.1.0.7, vlan: 10, site: A }
          client: { mac: "02:00:00:00:01:00", ip: 10.1.0.100, vlan: 10, site: B }
        flows:
          - { from: client, to: vm1, proto: tcp, dport: 80, rate: 20, size: 100 }
        migrations:
          - { host: vm1, at: 5s, to: C, gap: 100ms, announce: garp\(extra.map { ", advertise-extra: \($0)" } ?? "") }

        """
    }

    /// The fixture three-site scenario (VXLAN tenants, IPv6, RARP, a move within a site) with sessions.
    static func threeSite() -> String {
        String(decoding: TestSupport.readFile(SynthTests.scenarioDirectory + "/three-site.yaml"), as: UTF8.self)
            + "bgp-evpn: true\n"
    }

    static func run(_ text: String) throws -> FabricReport {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let scenario = try Scenario.parse(text, file: "scenario.yaml")
        let path = dir + "/s.pcapng"
        let result = try synthesize(scenario, output: try OutputFile(path: path, force: true))
        // The topology the synthesizer writes carries the evpn entries and reads back the same.
        let reread = try Topology.parse(result.topology.yaml, file: "t.yaml")
        #expect(reread.evpn == scenario.topology.evpn && !reread.evpn.sites.isEmpty)
        return try simulateFabric(inputs: [path], topology: reread,
                                  options: FabricOptions(policies: [.igpOnly], controlPlane: ControlPlaneSettings()))
    }

    @Test(arguments: ["moving", "three-site"])
    func capturedEqualsTheConfiguredDelays(_ name: String) throws {
        let report = try Self.run(name == "moving" ? Self.moving() : Self.threeSite())
        #expect(report.policies == [.igpOnly, .captured])
        #expect(report.capturedRoutes > 0 && report.capturedUnattributed == 0)
        #expect(report.counts[0].frames > 0)
        #expect(report.counts[1] == report.counts[0])
        #expect(report.losses[1] == report.losses[0])
        #expect(report.unadvertised.allSatisfy { !$0 } && report.unadvertised.count == report.migrations.count)
        // Something is lost at all, so the equality says something.
        #expect(report.losses[0].contains { $0.lostFrames > 0 })
    }

    @Test func aMigrationsUpdateDelayed20Seconds() throws {
        // Frames to vm1: client → vm1 at t_k = 0.001 + 0.05 k s. k = 100, 101 (5.001, 5.051)
        // are in transit (vm1 silent from 5.0 to its GARP at C at 5.1 s, the migration).
        // On time (C's delay 1 s): remote(C) reaches B at 6.1 s; frames with 5.1 ≤ t_k < 6.1,
        // k = 102 … 121, go to A's stale local entry: 20 misdelivered, the last at 6.051 s,
        // outage 6.051 − 5.1 = 0.951 s.
        // 20 s late: the UPDATE leaves at 26.1 s; k = 102 … 521 (26.051 s) are lost: 420
        // frames, outage 26.051 − 5.1 = 20.951 s. So 400 more frames (20 s × 20/s) and 20 s more.
        let onTime = try Self.run(Self.moving())
        let late = try Self.run(Self.moving(extra: "20s"))
        #expect(onTime.losses[1].map(\.lostFrames) == [20])
        #expect(onTime.losses[1].map(\.outage) == [951_000_000])
        #expect(late.losses[1].map(\.lostFrames) == [420])
        #expect(late.losses[1].map(\.outage) == [20_951_000_000])
        #expect(late.counts[1].misdelivered - onTime.counts[1].misdelivered == 400)
        // igp-only assumes the configured delay and does not see the lateness.
        #expect(late.losses[0] == onTime.losses[0])
    }

    @Test func tablesMeasuresTheDelay() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        for (extra, expected) in [(nil, Int64(1_000_000_000)), ("20s", Int64(21_000_000_000))] as [(String?, Int64)] {
            let scenario = try Scenario.parse(Self.moving(extra: extra), file: "scenario.yaml")
            let path = dir + "/m.pcapng"
            let result = try synthesize(scenario, output: try OutputFile(path: path, force: true))
            let tables = try rebuildTables(inputs: [path], topology: result.topology)
            let migration = try #require(tables.events.first { $0.kind == .migration })
            // The migration at 5.1 s (GARP at C), C's UPDATE at 6.1 s (+20 s when delayed).
            #expect(migration.advertisement?.delay == expected)
            // vm1 advertised from A (no MAC Mobility) then from C with sequence 1.
            let routes = tables.events.filter { $0.kind == .evpnAdvertise && $0.mac == scenario.hosts[0].mac }
            #expect(routes.map { $0.evpn?.site } == ["A", "C"])
            #expect(routes.map { $0.evpn?.sequence } == [nil, 1])
            #expect(routes.allSatisfy { $0.segment == Segment(vlan: 10) && $0.evpn?.vni == 10_010 })
        }
    }
}
