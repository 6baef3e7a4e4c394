import Foundation
import Testing

/// SPEC §5 (amended): on tables, simulate and flows, -f and --from/--until select what is
/// reported, like tshark's display filter — the tables and the fabric still see every frame, so
/// a filter never changes a count of what it keeps. --read-filter drops frames before anything
/// sees them, and says so.
@Suite struct DisplayFilterTests {
    let roamcap = TestSupport.binary
    let trace = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"
    let vm1 = "02:00:00:00:00:07"

    func lines(_ arguments: [String]) -> (status: Int32, lines: [String], stderr: String) {
        let r = TestSupport.run(roamcap, arguments)
        return (r.status, r.stdout.split(separator: "\n").map(String.init), r.stderr)
    }

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func simulateCountsTheSelectedFramesAsTheFullRunJudgedThem() throws {
        // Every decision of the full run about frames to vm1…
        let full = lines(["simulate", trace, "--topology", topology, "--policy", "igp-only", "--decisions", "-"])
        #expect(full.status == 0, "\(full.stderr)")
        let toVM = try full.lines.map(object).filter { $0["dst"] as? String == vm1 }
        #expect(toVM.count > 100)
        func count(_ outcome: String) -> Int { toVM.filter { $0["outcome"] as? String == outcome }.count }
        // …is what the filtered run counts, frame for frame.
        let filtered = lines(["simulate", trace, "--topology", topology, "--policy", "igp-only",
                              "-f", "ether dst \(vm1)", "--format", "ndjson"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        let policy = try object(try #require(filtered.lines.first))
        #expect(policy["frames"] as? Int == toVM.count)
        #expect(policy["delivered"] as? Int == count("delivered"))
        #expect(policy["misdelivered"] as? Int == count("misdelivered"))
        #expect(policy["inTransit"] as? Int == count("inTransit"))
        let filteredLog = lines(["simulate", trace, "--topology", topology, "--policy", "igp-only",
                                 "-f", "ether dst \(vm1)", "--decisions", "-"])
        #expect(filteredLog.lines == full.lines.filter { $0.contains("\"dst\":\"\(vm1)\"") })

        // With --read-filter the fabric never sees vm1's own frames: another story, and said so.
        let read = lines(["simulate", trace, "--topology", topology, "--policy", "igp-only",
                          "--read-filter", "ether dst \(vm1)", "--format", "ndjson"])
        #expect(read.status == 0)
        #expect(read.stderr.contains("roamcap: note: --read-filter 'ether dst \(vm1)'"))
        let readPolicy = try object(try #require(read.lines.first))
        #expect(readPolicy["delivered"] as? Int != policy["delivered"] as? Int)
    }

    @Test func tablesReportTheEventsOfTheSelectedFramesOnly() throws {
        let full = lines(["tables", trace, "--topology", topology, "--format", "ndjson"])
        #expect(full.status == 0, "\(full.stderr)")
        let filtered = lines(["tables", trace, "--topology", topology, "--format", "ndjson", "-f", "ether src \(vm1)"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        // The same events, verbatim (same packet numbers, same places), for vm1's frames only.
        #expect(!filtered.lines.isEmpty)
        #expect(filtered.lines.allSatisfy { full.lines.contains($0) })
        let migrations = full.lines.filter { $0.contains("\"event\":\"migration\"") && $0.contains("\"mac\":\"\(vm1)\"") }
        #expect(migrations.count == 2)
        #expect(migrations.allSatisfy { filtered.lines.contains($0) })
        // A time window selects by time, the state still built from the start.
        let window = lines(["tables", trace, "--topology", topology, "--format", "ndjson", "--from", "20", "--until", "25"])
        let times = try window.lines.map(object).compactMap { $0["time"] as? String }
        #expect(!times.isEmpty && times.allSatisfy { $0 >= "2026-11-20T10:00:20" && $0 < "2026-11-20T10:00:25" })
        #expect(window.lines.allSatisfy { full.lines.contains($0) })
        #expect(!window.lines.contains { $0.contains("\"event\":\"new-station\"") && $0.contains("\"mac\":\"\(vm1)\"") })
    }

    @Test func flowsUnderAPolicyKeepTheFullRunsFlows() throws {
        let full = lines(["flows", trace, "--topology", topology, "--policy", "igp-only", "--format", "ndjson"])
        #expect(full.status == 0, "\(full.stderr)")
        let filtered = lines(["flows", trace, "--topology", topology, "--policy", "igp-only", "--format", "ndjson",
                              "-f", "host 10.1.0.7 and tcp"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        // The TCP flows of 10.1.0.7, with the same counts and outages as in the full run.
        #expect(filtered.lines.count == 2)
        #expect(filtered.lines.allSatisfy { full.lines.contains($0) })
        #expect(filtered.lines.contains { $0.contains("\"misdelivered\":70") })
    }
}
