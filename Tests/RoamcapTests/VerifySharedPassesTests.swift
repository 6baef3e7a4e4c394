import RoamcapKit
import Testing

/// verify runs its checks in this process, through the commands' requests, sharing passes:
/// what each check sees is exactly the command's `--format json`, and tables, simulate and
/// flows over one trace read it twice in all.
@Suite struct VerifySharedPassesTests {
    static let bin = TestSupport.binary
    static let scenarios = TestSupport.root + "/fixtures/scenarios"
    static let trace = scenarios + "/three-site.pcapng"
    static let topology = scenarios + "/three-site.topology.yaml"

    /// The command's `--format json` output.
    static func command(_ arguments: [String]) -> String {
        let r = TestSupport.run(bin, arguments + ["--format", "json"])
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return r.stdout
    }

    static func text(_ json: JSONValue) -> String { json.pretty() + "\n" }

    @Test func eachRequestGivesItsCommandsJSON() throws {
        #expect(Self.text(runInfo(InfoRequest(files: [Self.trace])).json) == Self.command(["info", Self.trace]))
        var tables = TablesRequest(inputs: [Self.trace], topology: Self.topology)
        tables.station = StationFilter(mac: MACAddress("02:00:00:00:00:07"))
        #expect(Self.text(try runTables(tables).json)
                == Self.command(["tables", Self.trace, "--topology", Self.topology, "--mac", "02:00:00:00:00:07"]))
        var simulate = SimulateRequest(inputs: [Self.trace], topology: Self.topology)
        simulate.policies = [.flood, .igpOnly]
        #expect(Self.text(try runSimulation(simulate).json)
                == Self.command(["simulate", Self.trace, "--topology", Self.topology, "--policy", "flood,igp-only"]))
        let flows = FlowsRequest(inputs: [Self.trace], topology: Self.topology)
        #expect(Self.text(try runFlows(flows).json) == Self.command(["flows", Self.trace, "--topology", Self.topology]))
        var policy = flows
        policy.policies = [.igpOnly]
        #expect(Self.text(try runFlows(policy).json)
                == Self.command(["flows", Self.trace, "--topology", Self.topology, "--policy", "igp-only"]))
        let nat = TestSupport.root + "/fixtures/nat"
        var rewrite = RewriteRequest(inputs: [nat + "/cases.pcapng"])
        rewrite.nat.notifications = [nat + "/moves.ndjson"]
        rewrite.dryRun = true
        #expect(Self.text(try runRewrite(rewrite).json)
                == Self.command(["rewrite", nat + "/cases.pcapng", "--notifications", nat + "/moves.ndjson", "--dry-run"]))
    }

    /// Traces and topology: the three-site and flapping scenarios, and three captures with no topology.
    static let traceSets: [([String], String?)] = [
        ([trace], topology),
        ([scenarios + "/flapping.pcapng"], scenarios + "/flapping.topology.yaml"),
        (["dcA.pcap", "dcB.pcapng", "dcC.pcap.zst"].map { TestSupport.root + "/fixtures/" + $0 }, nil),
    ]

    @Test(arguments: traceSets)
    func sharedPassesGiveEachCommandsJSONInTwoPasses(_ inputs: [String], _ topology: String?) throws {
        let common = inputs + (topology.map { ["--topology", $0] } ?? [])
        var runs = SharedRuns(inputs: inputs, topology: topology, keepGoing: false)
        runs.tables = [TablesRequest(inputs: inputs, topology: topology)]
        var filtered = TablesRequest(inputs: inputs, topology: topology)
        filtered.selection.filter = "arp"
        filtered.settings.aging = 20_000_000_000
        runs.tables.append(filtered)
        var simulate = SimulateRequest(inputs: inputs, topology: topology)
        simulate.policies = [.flood]
        var others = SimulateRequest(inputs: inputs, topology: topology)
        others.policies = [.ideal, .igpOnly, .flood]
        runs.simulations = [simulate, others]
        runs.flows = [FlowsRequest(inputs: inputs, topology: topology)]
        var top = FlowsRequest(inputs: inputs, topology: topology)
        top.top = 3
        top.selection.filter = "udp"
        runs.flows.append(top)
        let shared = try runShared(runs)
        #expect(shared.passes == 2)
        #expect(Self.text(shared.tables[0].json) == Self.command(["tables"] + common))
        #expect(Self.text(shared.tables[1].json) == Self.command(["tables"] + common + ["-f", "arp", "--aging", "20s"]))
        #expect(Self.text(shared.simulations[0].json) == Self.command(["simulate"] + common + ["--policy", "flood"]))
        #expect(Self.text(shared.simulations[1].json) == Self.command(["simulate"] + common + ["--policy", "ideal,igp-only,flood"]))
        #expect(Self.text(shared.flows[0].json) == Self.command(["flows"] + common))
        #expect(Self.text(shared.flows[1].json) == Self.command(["flows"] + common + ["--top", "3", "-f", "udp"]))
        // Without a simulation, the tables and the flows share one pass.
        runs.simulations = []
        let plain = try runShared(runs)
        #expect(plain.passes == 1)
        #expect(Self.text(plain.tables[1].json) == Self.text(shared.tables[1].json))
        #expect(Self.text(plain.flows[0].json) == Self.text(shared.flows[0].json))
    }

    @Test func verifySaysTablesSimulateAndFlowsReadTheTraceTwice() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [Self.trace, Self.topology, dir])
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [three-site.pcapng]
            topology: three-site.topology.yaml
            checks:
              - { name: a, run: tables, expect: [{ path: "$[?@.event == 'migration']", exists: true }] }
              - { name: b, run: simulate, with: { policy: flood }, expect: [{ path: "$.policies[0].policy", equals: flood }] }
              - { name: c, run: flows, expect: [{ path: "$[*].uid", exists: true }] }
            """.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("verify: 3 checks in 3 runs, 2 passes over the traces (the most demanding command alone: 2)"),
                "\(r.stderr)")
    }

    /// `vxlan-port` in a check's `with` decodes that run's frames, in this process, on its own
    /// pass: the VXLAN station on UDP 8472 is seen by it, not by the run beside it.
    @Test func aCheckWithItsOwnVXLANPortDecodesItsRunOnly() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        SampleTraces.writeVXLANOn8472(dir + "/t.pcapng")
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [t.pcapng]
            checks:
              - { name: inner, run: tables, with: { vxlan-port: 8472 }, expect: [{ path: "$[?@.segment == 'vxlan']", count: 2 }] }
              - { name: plain, run: tables, expect: [{ path: "$[?@.segment == 'vxlan']", count: 0 }] }
            """.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("2 checks in 2 runs, 2 passes"), "\(r.stderr)")
        let command = TestSupport.run(Self.bin, ["tables", dir + "/t.pcapng", "--vxlan-port", "8472", "--format", "json"])
        #expect(command.stdout.contains("\"segment\""))
    }
}
