import RoamcapKit
import Testing

/// Arguments and inputs that used to change results silently (issue 13): each is now an error
/// (exit 2, one line, a position where there is a file).
@Suite struct HardeningSemanticsTests {
    let roamcap = TestSupport.binary
    let fixtures = TestSupport.root + "/fixtures"

    func expectError(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let r = TestSupport.run(roamcap, arguments)
        #expect(r.status == 2, "\(arguments): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("roamcap: error: ") && r.stderr.contains(fragment), "\(arguments): \(r.stderr)",
                sourceLocation: sourceLocation)
    }

    /// `--vm-side` naming no capture interface was accepted (3540 → 2321 packets rewritten, exit 0).
    @Test func vmSideMustNameACaptureInterface() {
        let trace = fixtures + "/nat/cases.pcapng"
        let moves = fixtures + "/nat/moves.ndjson"
        expectError(["rewrite", "--dry-run", "--notifications", moves, "--vm-side", "eth9", trace],
                    "vm-side interface 'eth9' matches no capture interface")
        let ok = TestSupport.run(roamcap, ["rewrite", "--dry-run", "--notifications", moves, "--vm-side", "eth0", trace])
        #expect(ok.status == 0, "\(ok.stderr)")
        let byFile = TestSupport.run(roamcap, ["rewrite", "--dry-run", "--notifications", moves, "--vm-side", "cases.pcapng", trace])
        #expect(byFile.status == 0, "\(byFile.stderr)")
    }

    @Test func topologyVMSideMustNameAPortAndTopologyCheckSaysSo() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.yaml", Array("""
            sites:
              A: { ports: { p1: eth0 } }
            nat:
              vm-side: [eth0, eth9]

            """.utf8))
        expectError(["topology", "check", dir + "/t.yaml"], dir + "/t.yaml:4:19: nat.vm-side 'eth9' is the capture of no port")
        expectError(["rewrite", "--dry-run", "--notifications", fixtures + "/nat/moves.ndjson", "--topology", dir + "/t.yaml",
                     fixtures + "/nat/cases.pcapng"], "nat.vm-side 'eth9'")
        // Claimed by a port, but no interface of the traces has that name: topology check warns, exit 1.
        TestSupport.writeFile(dir + "/u.yaml", Array("""
            sites:
              A: { ports: { p1: eth0, p2: eth9 } }
            nat:
              vm-side: [eth9]

            """.utf8))
        let r = TestSupport.run(roamcap, ["topology", "check", dir + "/u.yaml", fixtures + "/nat/cases.pcapng"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("nat.vm-side 'eth9' matches no capture interface of the traces"), "\(r.stderr)")
    }

    /// `aging: 0s` was accepted in a topology (even `ideal` then dropped 14,855 of 21,920
    /// frames) while `--aging 0s` was rejected.
    @Test func agingZeroIsRejectedBothWays() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.yaml", Array("sites:\n  A: { ports: { p1: dcA.pcap } }\ncontrol-plane: { aging: 0s }\n".utf8))
        TestSupport.writeFile(dir + "/s.yaml", Array("sites:\n  A: { ports: { p1: dcA.pcap }, aging: 0ms }\n".utf8))
        expectError(["topology", "check", dir + "/t.yaml"], dir + "/t.yaml:3:25: aging must be more than 0")
        expectError(["simulate", "--topology", dir + "/s.yaml", fixtures + "/dcA.pcap"], dir + "/s.yaml:2:40: aging must be more than 0")
        expectError(["simulate", "--aging", "0s", fixtures + "/dcA.pcap"], "--aging must be more than 0")
    }

    @Test func emptyWindowsAndCountsAreErrors() {
        let trace = fixtures + "/dcA.pcap"
        expectError(["tables", "--from", "15", "--until", "5", trace], "--from 15 is not before --until 5")
        expectError(["flows", "--from", "2026-11-20T10:00:05Z", "--until", "2026-11-20T10:00:05Z", trace], "is not before --until")
        expectError(["tables", "--count", "0", trace], "--count must be 1 or more")
        expectError(["simulate", "--trace-policy", "ideal", trace], "--trace-policy")
    }

    @Test func tableUntilBeforeFromIsAnError() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.csv", Array("primary,new,from,until\n10.1.0.7,10.9.0.7,20,5\n".utf8))
        expectError(["rewrite", "--dry-run", "--table", dir + "/t.csv", fixtures + "/nat/cases.pcapng"],
                    dir + "/t.csv:2:22: until '5' is not after from '20'")
    }

    /// `"time": true` was read as 1 second.
    @Test func booleanTimeIsAnErrorWithAColumn() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/n.ndjson", Array("{\"time\": 0, \"primary\": \"10.1.0.7\", \"new\": \"10.9.0.7\"}\n  {\"time\": true, \"primary\": \"10.1.0.8\", \"new\": \"10.9.0.8\"}\n".utf8))
        expectError(["rewrite", "--dry-run", "--notifications", dir + "/n.ndjson", fixtures + "/nat/cases.pcapng"],
                    dir + "/n.ndjson:2:12: \"time\" must be an RFC 3339 time or a number of seconds")
        TestSupport.writeFile(dir + "/m.ndjson", Array("{\"time\": 0, \"primary\": \"10.1.0.7\", \"new\": \"10.9.0.x\"}\n".utf8))
        expectError(["rewrite", "--dry-run", "--notifications", dir + "/m.ndjson", fixtures + "/nat/cases.pcapng"],
                    dir + "/m.ndjson:1:43: \"new\": '10.9.0.x' is not an IP address")
    }

    @Test func conflictingEntriesAreAnError() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.csv", Array("primary,new,from,until\n10.1.0.7,10.9.0.7,0,60\n10.1.0.7,10.9.0.8,30,90\n".utf8))
        expectError(["rewrite", "--dry-run", "--table", dir + "/t.csv", fixtures + "/nat/cases.pcapng"],
                    "t.csv:3:1: conflicting entries for 10.1.0.7")
        // A later entry without an overlap is a migration, not a conflict.
        TestSupport.writeFile(dir + "/u.csv", Array("primary,new,from,until\n10.1.0.7,10.9.0.7,0,30\n10.1.0.7,10.9.0.8,30,90\n".utf8))
        #expect(TestSupport.run(roamcap, ["rewrite", "--dry-run", "--table", dir + "/u.csv", fixtures + "/nat/cases.pcapng"]).status == 0)
    }

    @Test func portClaimedTwiceNamesBothPositions() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.yaml", Array("sites:\n  A: { ports: { p1: eth0 } }\n  B: { ports: { p1: eth0 } }\n".utf8))
        expectError(["topology", "check", dir + "/t.yaml"], dir + "/t.yaml:3:21: capture 'eth0' is claimed by both A.p1 (line 2) and B.p1")
    }
}
