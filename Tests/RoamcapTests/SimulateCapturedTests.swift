import CaptureFile
import Foundation
import PacketFilter
import PacketWire
import Testing

@testable import RoamcapKit

/// `simulate --control-plane captured` (SPEC §8) on `EVPNHandTrace`: the hand scenario of
/// FabricTests with its BGP sessions captured.
@Suite struct SimulateCapturedTests {
    static func simulate(sequenceOfC: UInt32? = 1, readFilter: String? = nil) throws -> FabricReport {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topologyPath) = try EVPNHandTrace.write(into: dir, sequenceOfC: sequenceOfC)
        let selection = try readFilter.map { PacketSelection(readFilter: try PacketFilter(expression: $0)) }
        return try simulateFabric(inputs: [trace], topology: try Topology.load(path: topologyPath),
                                  options: FabricOptions(policies: [.igpOnly], controlPlane: ControlPlaneSettings()),
                                  selection: selection)
    }

    typealias E = HandScenario.Expected

    @Test func capturedAdvertisementsReplaceTheAssumedDelay() throws {
        // Captured: A advertises M, a, d at 0.55 s, B advertises b at 0.7 s (before any judged
        // frame, as the assumed advertisements at 2.0–2.3 s are); C advertises M with sequence 1
        // at 6.2 s, 1.2 s after the migration. At A the stale local(p1) has own sequence 0
        // (A advertised M without MAC Mobility) < 1, at B remote(A) has 0 < 1: both become
        // remote(C). That is igp-only with C's delay 1.2 s (FabricTests.perSiteAdvertiseDelay):
        // #10 (5.5 s) and #11 (6.0 s) misdelivered, #12 (6.5 s) delivered; lost 2, outage 1.0 s.
        // A's withdrawal at 6.6 s removes remote(A) entries: none are left. The unattributed
        // route (198.51.100.9) is not applied.
        let report = try Self.simulate()
        #expect(report.policies == [.igpOnly, .captured])
        let captured = E(report.counts[1], report.losses[1][0])
        #expect(captured == E(delivered: 7, misdelivered: 2, excess: 2, lost: 2, outageMs: 1000))
        // igp-only (2 s) is still itself beside it: FabricTests.handScenarioCountsPerPolicy.
        #expect(E(report.counts[0], report.losses[0][0])
                    == E(delivered: 6, misdelivered: 2, staleLocal: 1, excess: 2, lost: 3, outageMs: 1500))
        #expect(report.unadvertised == [false])
        // 6 routes applied (M, a, d; b; C's M twice), the withdrawal; 1 unattributed.
        #expect(report.capturedRoutes == 7 && report.capturedUnattributed == 1)
        guard case .object(let top) = report.json, case .array(let entries)? = top.first?.1 else {
            Issue.record("no policies")
            return
        }
        let text = entries.map { $0.rendered() }
        #expect(text.count == 2 && text[1].contains("\"policy\":\"captured\"") && text[1].contains("\"unadvertised\":false"))
        #expect(!text[0].contains("unadvertised"))
        #expect(report.text().contains("captured"))
    }

    @Test func lowerSequenceNumberIsIgnoredWhereTheMACIsLocal() throws {
        // C advertises M without MAC Mobility (sequence 0), as in the FRR reports: at A the stale
        // local(p1) has own sequence 0, not lower than 0, so it stays; at B remote(A) has an
        // equal sequence from another site, so it becomes remote(C).
        // #10 b→M (5.5 s): B remote(A) → A local p1: misdelivered. #11 a→M (6.0 s): misdelivered.
        // #12 d→M (6.5 s) at A/p1: A's local p1 is the ingress port: dropped stale-local.
        // #13 b→M (7.5 s): B remote(C): delivered. Lost 3, outage 6.5 − 5.0 = 1.5 s.
        let report = try Self.simulate(sequenceOfC: nil)
        #expect(E(report.counts[1], report.losses[1][0])
                    == E(delivered: 6, misdelivered: 2, staleLocal: 1, excess: 2, lost: 3, outageMs: 1500))
        #expect(report.unadvertised == [false])
    }

    @Test func migrationWithoutCapturedAdvertisementKeepsStaleEntries() throws {
        // C's session dropped by the read filter: no advertisement of M from C. A keeps its
        // stale local(p1), B remote(A): #10, #11 misdelivered, #12 stale-local. A's withdrawal
        // at 6.6 s removes B's remote(A) (A's own stale local stays): #13 b→M (7.5 s) is unknown
        // unicast at B, flooded: C delivers, A's copy is one more excess copy (3 in all).
        // #14 M→b from C (remote(B)): delivered. Lost 3, outage 6.5 − 5.0 = 1.5 s; flagged
        // unadvertised.
        let report = try Self.simulate(readFilter: "not host 192.0.2.3")
        #expect(E(report.counts[1], report.losses[1][0])
                    == E(delivered: 6, misdelivered: 2, staleLocal: 1, excess: 3, lost: 3, outageMs: 1500))
        #expect(report.unadvertised == [true])
    }

    @Test func commandLine() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try EVPNHandTrace.write(into: dir)
        let result = TestSupport.run(TestSupport.binary, ["simulate", trace, "--topology", topology, "--control-plane",
                                                          "captured", "--policy", "igp-only,ideal", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let policies = try #require(object["policies"] as? [[String: Any]])
        #expect(policies.map { $0["policy"] as? String } == ["igp-only", "ideal", "captured"])
        let move = try #require((policies[2]["migrations"] as? [[String: Any]])?.first)
        #expect(move["lostFrames"] as? Int == 2 && move["unadvertised"] as? Bool == false)
        #expect(result.stderr.contains("1 EVPN MAC/IP routes match no site"))
        // captured is not a policy one asks for by name.
        let bad = TestSupport.run(TestSupport.binary, ["simulate", trace, "--policy", "captured"])
        #expect(bad.status == 2)
        let table = TestSupport.run(TestSupport.binary, ["simulate", trace, "--topology", topology, "--control-plane", "captured"])
        #expect(table.status == 0 && table.stdout.contains("captured"))
        // The captured run's forwarded trace can be written; without --control-plane captured it cannot.
        let forwarded = TestSupport.run(TestSupport.binary, ["simulate", trace, "--topology", topology, "--control-plane",
                                                             "captured", "--trace-policy", "captured", "-o", dir + "/f.pcapng"])
        #expect(forwarded.status == 0 && forwarded.stdout.contains("forwarded trace (captured)"), "\(forwarded.stderr)")
        let refused = TestSupport.run(TestSupport.binary, ["simulate", trace, "--topology", topology, "--trace-policy",
                                                           "captured", "-o", dir + "/g.pcapng"])
        #expect(refused.status == 2)
    }
}
