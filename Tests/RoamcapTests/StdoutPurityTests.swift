import CaptureFile
import Testing

/// SPEC §5: when a command streams a trace or a log to standard output, standard output carries
/// that stream alone and the report goes to standard error — checked by reading the stream back
/// with roamcap, and by piping it into tshark and jq where they are installed.
@Suite struct StdoutPurityTests {
    let roamcap = TestSupport.binary

    /// Runs `roamcap ARGS > out 2> err` through the shell and returns (status, out path, stderr).
    func runToFile(_ arguments: [String], in dir: String) -> (status: Int32, out: String, stderr: String) {
        let quoted = ([roamcap] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let out = dir + "/stdout.bin"
        let r = TestSupport.run("/bin/sh", ["-c", "\(quoted) > '\(out)'"])
        return (r.status, out, r.stderr)
    }

    @Test func simulateTraceToStandardOutputIsAPcapngAlone() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let r = runToFile(["simulate", trace, "--topology", topology, "--policy", "igp-only,flood", "-o", "-"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // The report went to standard error…
        #expect(r.stderr.contains("igp-only") && r.stderr.contains("flood"))
        // …and standard output is one readable pcapng, nothing appended.
        let reader = try CaptureReader(path: r.out)
        var records = 0
        while try reader.nextPacket() != nil { records += 1 }
        #expect(records > 15)
        let file = dir + "/forwarded.pcapng"
        let same = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood", "-o", file])
        #expect(same.status == 0)
        #expect(TestSupport.readFile(file) == TestSupport.readFile(r.out))
    }

    @Test func simulateDecisionsToStandardOutputAreNDJSONAlone() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let r = runToFile(["simulate", trace, "--topology", topology, "--policy", "igp-only,flood-confirmed",
                           "--decisions", "-", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = String(decoding: TestSupport.readFile(r.out), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"policy\":") && $0.hasSuffix("}") })
        #expect(r.stderr.contains("\"policies\""))
    }

    @Test func bothStreamsOnStandardOutputAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "-o", "-", "--decisions", "-"])
        #expect(r.status == 2)
        #expect(r.stderr == "roamcap: error: -o - and --decisions - cannot both write to standard output\n")
    }

    @Test(.enabled(if: TestSupport.which("tshark") != nil, "tshark is not installed"))
    func tsharkReadsTheStreamedTrace() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let tshark = TestSupport.which("tshark")!
        let pipe = TestSupport.run("/bin/sh", ["-c", "'\(roamcap)' simulate '\(trace)' --topology '\(topology)' -o - 2>/dev/null"
                                                + " | '\(tshark)' -r - -T fields -e frame.interface_name"])
        #expect(pipe.status == 0, "\(pipe.stderr)")
        #expect(Set(pipe.stdout.split(separator: "\n")).isSuperset(of: ["A/p1", "B/p1", "C/p1"]))
        #expect(!pipe.stderr.contains("isn't a capture file") && !pipe.stderr.contains("appears to be damaged"))
    }

    @Test(.enabled(if: TestSupport.which("jq") != nil, "jq is not installed"))
    func jqReadsTheStreamedDecisions() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let jq = TestSupport.which("jq")!
        let pipe = TestSupport.run("/bin/sh", ["-c", "'\(roamcap)' simulate '\(trace)' --topology '\(topology)' --decisions - 2>/dev/null"
                                                + " | '\(jq)' -r .outcome | sort | uniq -c | wc -l"])
        #expect(pipe.status == 0, "\(pipe.stderr)")
        #expect(Int(pipe.stdout.filter(\.isNumber)) ?? 0 >= 3)
    }
}
