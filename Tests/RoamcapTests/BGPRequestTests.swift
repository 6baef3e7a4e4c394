import Testing

@testable import RoamcapKit

/// `runBGP` on a synthesized trace with BGP EVPN sessions (`runSynth`): the NDJSON streamed a
/// buffer at a time is exactly the report's NDJSON, and attribution to sites is counted alike.
@Suite struct BGPRequestTests {
    static let scenario = """
        duration: 5s
        bgp-evpn: true
        sites:
          A: {}
          B: {}
        hosts:
          vm1: { mac: "02:00:00:00:00:07", ip: 10.1.0.7, vlan: 10, site: A }
          c: { mac: "02:00:00:00:01:00", ip: 10.1.0.100, vlan: 10, site: B }
        flows:
          - { from: c, to: vm1, rate: 5 }
        migrations:
          - { host: vm1, at: 2s, to: B, gap: 100ms }

        """

    @Test func streamedNDJSONIsTheReportsNDJSON() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/s.yaml", Array(Self.scenario.utf8))
        let synthesized = try runSynth(SynthRequest(scenario: dir + "/s.yaml", output: dir + "/t.pcapng"))
        #expect(synthesized.moves?.isEmpty == false)
        #expect(TestSupport.fileExists(dir + "/t.topology.yaml") && TestSupport.fileExists(dir + "/t.expect.yaml"))
        for topology in [nil, dir + "/t.topology.yaml"] {
            let request = BGPRequest(inputs: [dir + "/t.pcapng"], topology: topology)
            let listed = try runBGP(request)
            let report = try #require(listed.report)
            #expect(!report.rows.isEmpty)
            #expect(report.columns.contains("site") == (topology != nil))
            var streamed: [UInt8] = []
            var writes = 0
            let outcome = try runBGP(request, streaming: { bytes in
                streamed += bytes
                writes += 1
            })
            #expect(outcome.report == nil)
            #expect(writes >= 1)
            #expect(String(decoding: streamed, as: UTF8.self) == report.rendered(.ndjson))
            #expect(outcome.warnings == listed.warnings)
        }
    }

    @Test func aTopologyThatCannotBeReadIsOneLine() throws {
        #expect(throws: RequestError.self) {
            try runBGP(BGPRequest(inputs: ["/nonexistent.pcap"], topology: "/nonexistent.yaml"))
        }
    }
}
