import PacketWire
import RoamcapKit
import Testing

/// The human tables (SPEC §5): 80 columns when standard output is not a terminal, `--wide` for
/// every column, `--relative` times, migrations naming the IP that moved.
@Suite struct HumanTableTests {
    static let scenario = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    static let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"

    static func run(_ arguments: [String]) -> String {
        let r = TestSupport.run(TestSupport.binary, arguments)
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return r.stdout
    }

    @Test(arguments: ["tables", "simulate", "flows"])
    func fitsEightyColumnsAndWideShowsAll(_ command: String) {
        let narrow = Self.run([command, Self.scenario, "--topology", Self.topology])
        let lines = narrow.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.count <= 80, "\(command): \(line.count) columns: \(line)") }
        let wide = Self.run([command, Self.scenario, "--topology", Self.topology, "--wide"])
        if command != "simulate" {
            #expect(wide.split(separator: "\n").contains { $0.count > 80 }, "\(command) --wide kept 80 columns")
            #expect(narrow.contains("--wide"), "\(command) does not say which columns it left out")
        }
    }

    @Test func flowsWideHasEveryColumn() {
        let wide = Self.run(["flows", Self.scenario, "--topology", Self.topology, "--wide"])
        let header = wide.split(separator: "\n").first.map(String.init) ?? ""
        #expect(wide.contains("10.1.0.100:40211") && wide.contains("10.1.0.7:80"))
        for column in ["proto", "src", "dst", "vlan", "first", "last", "packets", "bytes", "state",
                       "lost", "misdelivered", "outages", "causes", "outageSeconds", "migration", "uid"] {
            #expect(header.contains(column), "flows --wide: no \(column) column")
        }
    }

    @Test func relativeTimes() {
        let absolute = Self.run(["tables", Self.scenario, "--topology", Self.topology, "--wide"])
        #expect(absolute.contains("2026-11-20T10:00:10.200000000Z"))
        let relative = Self.run(["tables", Self.scenario, "--topology", Self.topology, "--wide", "--relative"])
        #expect(!relative.contains("2026-11-20T"))
        // The migration of 02:00:00:00:00:07 at 10:00:10.2, the first packet at 10:00:00.0.
        #expect(relative.split(separator: "\n").contains { $0.hasPrefix("10.2 ") && $0.contains("migration") })
        let flows = Self.run(["flows", Self.scenario, "--topology", Self.topology, "--wide", "--relative"])
        #expect(!flows.contains("2026-11-20T"))
        let simulate = Self.run(["simulate", Self.scenario, "--topology", Self.topology, "--relative", "--wide"])
        #expect(!simulate.contains("2026-11-20T") && simulate.contains("10.2"))
        // JSON keeps absolute times.
        let json = Self.run(["tables", Self.scenario, "--topology", Self.topology, "--relative", "--format", "json"])
        #expect(json.contains("2026-11-20T10:00:10.200000000Z"))
    }

    @Test func migrationsShowTheIPThatMoved() {
        let out = Self.run(["tables", Self.scenario, "--topology", Self.topology, "--wide"])
        let row = out.split(separator: "\n").first { $0.contains("migration") && $0.contains("02:00:00:00:00:07") }
        #expect(row?.contains("10.1.0.7") == true, "\(String(describing: row))")
    }

    @Test func endpointsWithPorts() throws {
        #expect(FlowRecord.endpointText(try #require(IPAddress("fd00::9")), 9000) == "[fd00::9]:9000")
        #expect(FlowRecord.endpointText(try #require(IPAddress("10.1.0.7")), 80) == "10.1.0.7:80")
        #expect(FlowRecord.endpointText(try #require(IPAddress("fd00::9")), nil) == "fd00::9")
    }
}
