import CaptureFile
import RoamcapKit
import Testing

/// `roamcap synth` scenarios: every migration is found by `tables` with the right places,
/// evidence, time and packet, and nothing else is reported as a move.
@Suite struct SynthTests {
    static let scenarios = ["three-site", "flapping"]
    static var scenarioDirectory: String { TestSupport.root + "/fixtures/scenarios" }

    /// Synthesizes a scenario into a temporary directory: (scenario, trace path, result).
    static func synthesizeInto(_ dir: String, _ name: String) throws -> (Scenario, String, SynthResult) {
        let scenario = try Scenario.load(path: scenarioDirectory + "/\(name).yaml")
        let path = dir + "/\(name).pcapng"
        let result = try synthesize(scenario, output: try OutputFile(path: path, force: true))
        return (scenario, path, result)
    }

    @Test(arguments: scenarios)
    func everyMigrationIsReportedAndNothingElse(_ name: String) throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (scenario, path, result) = try Self.synthesizeInto(dir, name)
        // The ground truth follows the scenario: one move per migration, at at+gap when announced.
        #expect(result.expected.count == scenario.migrations.count)
        for (move, migration) in zip(result.expected, scenario.migrations) {
            #expect(move.host == scenario.hosts[migration.host].name)
            #expect(move.to == Topology.PortID(site: migration.site, port: migration.port))
            if migration.announce != .none {
                #expect(move.time == scenario.start.adding(nanoseconds: migration.at + migration.gap))
                #expect(move.evidence.rawValue == (migration.announce == .dhcp ? "dhcp" : migration.announce.rawValue))
            } else {
                #expect(move.evidence == .frame)
            }
        }
        // tables finds exactly those moves.
        let tables = try rebuildTables(inputs: [path], topology: result.topology)
        let moves = tables.events.filter { $0.kind == .migration || $0.kind == .moved }
        #expect(moves.count == result.expected.count)
        for (event, move) in zip(moves, result.expected) {
            #expect(event.kind == move.kind)
            #expect(event.mac == move.mac && event.segment == move.segment)
            #expect(event.from == move.from && event.to == move.to)
            #expect(event.time == move.time && event.packet == move.packet)
            #expect(event.evidence == move.evidence)
        }
        // Nothing else changed places or bindings.
        #expect(!tables.events.contains { $0.kind == .changedMAC || $0.kind == .flipFlop || $0.kind == .duplicateIP })
    }

    @Test func migrationsAcrossSitesAreMigrationsAndWithinASiteMoves() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, _, result) = try Self.synthesizeInto(dir, "three-site")
        #expect(result.expected.map(\.kind) == [.migration, .moved, .migration, .migration, .migration])
        #expect(result.expected.map(\.evidence) == [.garp, .garp, .unsolicitedNA, .frame, .rarp])
        #expect(result.expected[3].segment == Segment(vni: 5000))
    }

    @Test func flappingIsADuplicateMAC() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, path, result) = try Self.synthesizeInto(dir, "flapping")
        let tables = try rebuildTables(inputs: [path], topology: result.topology)
        let duplicates = tables.events.filter { $0.kind == .duplicateMAC }
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.packet == result.expected[4].packet)  // the fifth move
        let relaxed = try rebuildTables(inputs: [path], topology: result.topology,
                                        settings: TableSettings(duplicateMoves: 5, duplicateWindow: 30_000_000_000))
        #expect(!relaxed.events.contains { $0.kind == .duplicateMAC })
        let strict = try rebuildTables(inputs: [path], topology: result.topology, settings: TableSettings(duplicateMoves: 2))
        #expect(strict.events.filter { $0.kind == .duplicateMAC }.count == 1)
    }

    @Test(arguments: scenarios)
    func deterministicAndCommittedTracesAreCurrent(_ name: String) throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (scenario, path, _) = try Self.synthesizeInto(dir, name)
        let second = dir + "/again.pcapng"
        _ = try synthesize(scenario, output: try OutputFile(path: second, force: true))
        #expect(TestSupport.readFile(path) == TestSupport.readFile(second))
        // The committed trace holds the same packets (its header may name another version).
        let fresh = try TestSupport.packets(path)
        let committed = try TestSupport.packets(Self.scenarioDirectory + "/\(name).pcapng")
        #expect(fresh.count == committed.count)
        #expect(zip(fresh, committed).allSatisfy { pair in pair.0.0 == pair.1.0 && pair.0.1 == pair.1.1 && pair.0.2 == pair.1.2 })
        let topology = try Topology.load(path: Self.scenarioDirectory + "/\(name).topology.yaml")
        #expect(topology.sites == scenario.topology.sites)
    }

    @Test func commandLineWritesTraceTopologyAndGroundTruth() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let out = dir + "/s.pcapng"
        let r = TestSupport.run(TestSupport.binary, ["synth", Self.scenarioDirectory + "/three-site.yaml", "-o", out,
                                                     "--format", "ndjson"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(TestSupport.fileExists(dir + "/s.topology.yaml"))
        let truth = r.stdout.split(separator: "\n")
        #expect(truth.count == 5)
        let tables = TestSupport.run(TestSupport.binary, ["tables", out, "--topology", dir + "/s.topology.yaml",
                                                          "--format", "ndjson"])
        #expect(tables.status == 0, "\(tables.stderr)")
        let moves = tables.stdout.split(separator: "\n").filter { $0.contains("\"event\":\"migration\"") || $0.contains("\"event\":\"moved\"") }
        #expect(moves == truth)
        #expect(truth.first == #"{"time":"2026-11-20T10:00:10.200000000Z","packet":790,"event":"migration","vlan":10,"mac":"02:00:00:00:00:07","from":{"site":"A","port":"p1"},"to":{"site":"C","port":"p1"},"evidence":"garp"}"#)
    }

    @Test func scenarioErrorsNameLineAndColumn() {
        let text = "duration: 10s\nsites: { A: {} }\nhosts:\n  h: { mac: 02:00:00:00:00:01, site: Z }\n"
        do {
            _ = try Scenario.parse(text, file: "s.yaml")
            Issue.record("accepted an unknown site")
        } catch {
            #expect(error.description.hasPrefix("s.yaml:4:"), "\(error)")
            #expect(error.message.contains("unknown site 'Z'"))
        }
        let missing = "sites: { A: {} }\nhosts: {}\n"
        #expect(throws: ScenarioError.self) { try Scenario.parse(missing, file: "s.yaml") }
    }
}
