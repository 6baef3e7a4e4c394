import Testing

/// `convert --packets` (editcap's `-r`): packets by 1-based number in file order.
@Suite struct ConvertPacketsTests {
    static let scenario = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"

    @Test func rangesKeepThosePacketsInFileOrder() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let all = try TestSupport.packets(Self.scenario)
        let r = TestSupport.run(TestSupport.binary, ["convert", Self.scenario, "--packets", "900, 120-480,470-475", "-o", dir + "/o.pcapng"])
        #expect(r.status == 0, "\(r.stderr)")
        let kept = try TestSupport.packets(dir + "/o.pcapng")
        let expected = Array(all[119..<480]) + [all[899]]
        #expect(kept.count == 362)
        #expect(kept.map(\.2) == expected.map(\.2) && kept.map(\.0) == expected.map(\.0))
        // Open-ended, and combined with a filter (which applies to the packets the ranges keep).
        let tail = TestSupport.run(TestSupport.binary, ["convert", Self.scenario, "--packets", "2300-", "-o", dir + "/t.pcapng"])
        #expect(tail.status == 0)
        #expect(try TestSupport.packets(dir + "/t.pcapng").count == all.count - 2299)
        for bad in ["0", "5-3", "a", "", "1,,2"] {
            let e = TestSupport.run(TestSupport.binary, ["convert", Self.scenario, "--packets", bad, "-o", dir + "/x.pcapng"])
            #expect(e.status == 2, "--packets '\(bad)' was accepted")
        }
    }

    @Test(.enabled(if: TestSupport.which("editcap") != nil, "editcap is not installed"))
    func agreesWithEditcap() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run(TestSupport.binary, ["convert", Self.scenario, "--packets", "120-480,900", "-o", dir + "/o.pcapng"])
        let e = TestSupport.run(TestSupport.which("editcap")!, ["-r", Self.scenario, dir + "/e.pcapng", "120-480", "900"])
        #expect(e.status == 0, "\(e.stderr)")
        let ours = try TestSupport.packets(dir + "/o.pcapng"), theirs = try TestSupport.packets(dir + "/e.pcapng")
        #expect(ours.count == theirs.count)
        #expect(ours.map(\.2) == theirs.map(\.2) && ours.map(\.0) == theirs.map(\.0))
    }
}
