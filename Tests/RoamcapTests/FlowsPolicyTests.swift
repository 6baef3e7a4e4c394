import CaptureFile
import RoamcapKit
import Testing

/// `roamcap flows --policy`: the fabric's per-frame outcomes attributed to flows.
@Suite struct FlowsPolicyTests {
    let scenario = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"

    func flows(_ policy: FabricPolicy) throws -> FlowAnalysis {
        let topo = try Topology.load(path: topology)
        return try analyzeFlows(inputs: [scenario], topology: topo,
                                policy: FlowPolicyReplay(policy: policy, settings: FabricSettings()))
    }

    @Test func flowLossesAddUpToTheSimulatorsCounts() throws {
        let topo = try Topology.load(path: topology)
        let report = try simulateFabric(inputs: [scenario], topology: topo,
                                        options: FabricOptions(policies: FabricPolicy.allCases))
        let json = report.json.rendered()
        for policy in FabricPolicy.allCases {
            let analysis = try flows(policy)
            let dropped = analysis.flows.reduce(0) { $0 + $1.flow.dropped }
            let misdelivered = analysis.flows.reduce(0) { $0 + $1.misdelivered }
            let delivered = analysis.flows.reduce(0) { $0 + $1.flow.delivered }
            let inTransit = analysis.flows.reduce(0) { $0 + $1.flow.inTransit }
            // Every judged unicast frame of the trace belongs to one flow: the per-flow sums are
            // the simulator's totals for the same policy.
            let expected = "\"policy\":\"\(policy.rawValue)\",\"frames\":\(delivered + misdelivered + dropped + inTransit),"
                + "\"delivered\":\(delivered),\"misdelivered\":\(misdelivered)"
            #expect(json.contains(expected), "\(policy.rawValue): \(expected) not in \(json.prefix(600))")
            if policy == .ideal || policy == .flood {
                #expect(dropped == 0 && misdelivered == 0, "\(policy.rawValue) loses nothing beyond in-transit frames")
            }
            for record in analysis.flows {
                #expect(record.lost == record.flow.dropped)
                for outage in record.flow.outages {
                    #expect(["stale-local", "stale-remote", "flood-at-core", "unknown-drop", "misdelivered", "in-transit"]
                        .contains(outage.cause.rawValue))
                }
            }
        }
        let igp = try flows(.igpOnly)
        #expect(igp.flows.contains { $0.misdelivered > 0 && $0.flow.outages.contains { $0.migration != nil } })
    }

    @Test func commandLine() throws {
        let r = TestSupport.run(TestSupport.binary, ["flows", scenario, "--topology", topology, "--policy", "igp-only",
                                                     "--format", "ndjson", "--top", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"cause\":\"misdelivered\""))
        let two = TestSupport.run(TestSupport.binary, ["flows", scenario, "--policy", "igp-only,flood"])
        #expect(two.status == 2 && two.stderr.contains("one policy at a time"))
        let bad = TestSupport.run(TestSupport.binary, ["flows", scenario, "--policy", "magic"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("roamcap: error: The value 'magic' is invalid for '--policy <policy>'"))
    }
}
