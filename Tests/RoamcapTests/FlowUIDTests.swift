import Testing

/// Zeek-like uids and `flows --uid U -o FILE` on the bundled three-site scenario.
@Suite struct FlowUIDTests {
    static let scenario = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    static let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"

    static func uids() -> [(uid: String, packets: Int)] {
        let r = TestSupport.run(TestSupport.binary, ["flows", scenario, "--topology", topology, "--format", "ndjson"])
        return r.stdout.split(separator: "\n").map { line in
            let uid = line.split(separator: "\"uid\":\"").last.map { String($0.prefix { $0 != "\"" }) } ?? ""
            let packets = line.split(separator: "\"packets\":").dropFirst().first.map { Int($0.prefix { $0.isNumber })! } ?? -1
            return (uid, packets)
        }
    }

    @Test func uidsAreDeterministicAndDistinct() {
        let first = Self.uids(), second = Self.uids()
        #expect(first.count > 10)
        #expect(first.map(\.uid) == second.map(\.uid))
        #expect(Set(first.map(\.uid)).count == first.count)
        #expect(first.allSatisfy { $0.uid.count == 12 && $0.uid.hasPrefix("C") })
    }

    @Test func oneFlowsPacketsAreWritten() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let flows = Self.uids()
        let worst = try #require(flows.first)
        let out = dir + "/flow.pcapng"
        let r = TestSupport.run(TestSupport.binary, ["flows", Self.scenario, "--topology", Self.topology, "--uid", worst.uid,
                                                     "-o", out, "--format", "ndjson"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 1 && r.stdout.contains(worst.uid))
        let packets = try TestSupport.packets(out)
        #expect(packets.count == worst.packets)
        // The written trace is that one flow again, with the same uid (same key and first packet).
        let again = TestSupport.run(TestSupport.binary, ["flows", out, "--format", "ndjson"])
        #expect(again.stdout.split(separator: "\n").count == 1)
        #expect(again.stdout.contains("\"packets\":\(worst.packets)"))
        let missing = TestSupport.run(TestSupport.binary, ["flows", Self.scenario, "--uid", "Cnosuchflow0", "-o", dir + "/x.pcapng"])
        #expect(missing.status == 2 && missing.stderr.contains("no flow has this uid"))
    }
}
