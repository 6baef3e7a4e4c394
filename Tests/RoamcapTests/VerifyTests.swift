import RoamcapKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `roamcap verify`: every assertion kind passing and failing, bad expectations files, the
/// JUnit, TAP and JSON outputs, shared runs and the synth round trip.
@Suite struct VerifyTests {
    static let bin = TestSupport.binary
    static let fixture = TestSupport.root + "/fixtures/verify/three-site.expect.yaml"
    static let scenarios = TestSupport.root + "/fixtures/scenarios"

    static func json(_ text: String) -> JSONValue {
        do { return try JSONValue.parse(text) } catch { fatalError("bad test JSON: \(error): \(text)") }
    }

    /// One check with one assertion, parsed from YAML (traces come from the command line).
    static func check(_ assertion: String) throws -> Check {
        let text = """
            checks:
              - name: "the check"
                run: tables
                expect:
                  - \(assertion)
            """
        return try Expectations.parse(text, file: "t.yaml", directory: "/tmp", replacingTraces: true).checks[0]
    }

    // MARK: Assertions

    /// assertion, document, whether it holds, what its failure says (the problems in parentheses).
    static let assertionTable: [(String, String, Bool, String)] = [
        // equals: every value; nothing selected fails unless count/exists says otherwise.
        (#"{ path: "$[*].to.site", equals: C }"#, #"[{"to": {"site": "C"}}, {"to": {"site": "C"}}]"#, true, ""),
        (#"{ path: "$[*].to.site", equals: C }"#, #"[{"to": {"site": "C"}}, {"to": {"site": "B"}}]"#, false,
         #"$[*].to.site: expected equals "C", found ["C", "B"] ("B" differs)"#),
        (#"{ path: "$[*].to.site", equals: C }"#, "[]", false, #"$[*].to.site: expected equals "C", found nothing (selects nothing)"#),
        (#"{ path: "$[*].to.site", equals: C, count: 0 }"#, "[]", true, ""),
        (#"{ path: "$[*].vlan", equals: 10 }"#, #"[{"vlan": 10}, {"vlan": 10.0}]"#, true, ""),
        (#"{ path: "$[*].vlan", equals: "10" }"#, #"[{"vlan": 10}]"#, false, #"expected equals "10", found [10] (10 differs)"#),
        (#"{ path: "$[*].mac", equals: 02:00:00:00:00:07 }"#, #"[{"mac": "02:00:00:00:00:07"}]"#, true, ""),
        (#"{ path: "$.to", equals: { site: C, port: p1 } }"#, #"{"to": {"port": "p1", "site": "C"}}"#, true, ""),
        // min and max: numbers (or strings, by code point).
        (#"{ path: "$[*]", min: 2 }"#, "[2, 3.5]", true, ""),
        (#"{ path: "$[*]", min: 2 }"#, "[3, 1]", false, "$[*]: expected min 2, found [3, 1] (1 is below the min)"),
        (#"{ path: "$[*]", max: 0 }"#, "[0, 0]", true, ""),
        (#"{ path: "$[*]", max: 0 }"#, "[87, 8, 0]", false, "$[*]: expected max 0, found [87, 8, 0] (87 is above the max)"),
        (#"{ path: "$[*]", max: 0 }"#, #"["x"]"#, false, #"("x" cannot be compared with 0)"#),
        (#"{ path: "$[*]", max: 0 }"#, "[]", false, "(selects nothing)"),
        (#"{ path: "$[*].time", min: "2026-11-20T10:00:10.000000000Z" }"#, #"[{"time": "2026-11-20T10:00:10.200000000Z"}]"#, true, ""),
        (#"{ path: "$[*]", min: 1, max: 3 }"#, "[0, 4]", false, "(0 is below the min; 4 is above the max)"),
        // count: exact or a range.
        (#"{ path: "$[?@.event == 'migration']", count: 1 }"#, #"[{"event": "migration"}, {"event": "moved"}]"#, true, ""),
        (#"{ path: "$[?@.event == 'migration']", count: 1 }"#, #"[{"event": "migration"}, {"event": "migration"}]"#, false,
         "expected count 1, found [{\"event\":\"migration\"}, {\"event\":\"migration\"}] (selects 2 values, not 1)"),
        (#"{ path: "$[*]", count: { min: 1, max: 2 } }"#, "[1, 2]", true, ""),
        (#"{ path: "$[*]", count: { min: 1, max: 2 } }"#, "[1, 2, 3]", false, "expected count 1..2, found [1, 2, 3] (selects 3 values, more than 2)"),
        (#"{ path: "$[*]", count: { min: 1 } }"#, "[]", false, "expected count >= 1, found nothing (selects 0 values, fewer than 1)"),
        // exists.
        (#"{ path: "$.a", exists: true }"#, #"{"a": null}"#, true, ""),
        (#"{ path: "$.a", exists: true }"#, #"{"b": 1}"#, false, "$.a: expected exists, found nothing (selects nothing)"),
        (#"{ path: "$.a", exists: false }"#, #"{"b": 1}"#, true, ""),
        (#"{ path: "$.a", exists: false }"#, #"{"a": 1}"#, false, "$.a: expected does not exist, found [1] (selects 1 value)"),
        // contains: some value has the members (nested mappings too).
        (#"{ path: "$[*]", contains: { to: { site: C }, evidence: garp } }"#,
         #"[{"to": {"site": "B"}, "evidence": "garp"}, {"to": {"site": "C", "port": "p1"}, "evidence": "garp", "vlan": 10}]"#, true, ""),
        (#"{ path: "$[*]", contains: { to: { site: C }, evidence: garp } }"#,
         #"[{"to": {"site": "C"}, "evidence": "frame"}, {"to": {"site": "B"}, "evidence": "garp"}]"#, false,
         "(none of them has those members)"),
        (#"{ path: "$[0]", contains: { evidence: garp } }"#, #"[{"evidence": "frame"}]"#, false,
         #"$[0]: expected contains {"evidence":"garp"}, found [{"evidence":"frame"}] (it lacks those members)"#),
        (#"{ path: "$[*]", contains: { evidence: garp } }"#, "[]", false, "(selects nothing)"),
    ]

    @Test(arguments: assertionTable)
    func assertionKinds(_ assertion: String, _ document: String, _ holds: Bool, _ failure: String) throws {
        let result = try Self.check(assertion).evaluate(Self.json(document))
        #expect(result.passed == holds)
        if holds {
            #expect(result.failureMessage == nil)
        } else {
            let message = try #require(result.failureMessage)
            #expect(message.hasPrefix("check 'the check' failed: "), "\(message)")
            #expect(message.contains(failure), "\(message)")
        }
    }

    @Test func foundShowsTheFirstTenValues() throws {
        let result = try Self.check(#"{ path: "$[*]", max: 0 }"#).evaluate(Self.json("[1,2,3,4,5,6,7,8,9,10,11,12]"))
        #expect(result.failureMessage == "check 'the check' failed: $[*]: expected max 0, "
                + "found [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] and 2 more (1 is above the max)")
    }

    // MARK: Bad expectations files

    /// file text, expected `file:line:col` (file relative to the temporary directory), words
    /// of the message.
    static let badFiles: [(String, String, String)] = [
        // unknown run
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tablez
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:4:10", "unknown run 'tablez', expected one of: info, tables, simulate, flows, rewrite"),
        // unknown option in with
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             with: { aging: 10s, bogus: 3 }
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:5:25", "check 'a': roamcap tables: Unknown option '--bogus'"),
        // a bad value, found by the command's parser
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: flows
             with:
               top: many
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:6:7", "'many' is invalid for '--top <n>'"),
        // a bad value found only when the command runs
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: simulate
             with: { policy: bogus }
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:5:13", "roamcap simulate: The value 'bogus' is invalid for '--policy <policy>'"),
        // a run that fails
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: flows
             with: { policy: "igp-only,flood" }
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:5:11", "--policy: flows replays one policy at a time"),
        // bad YAML
        ("traces: [t.pcapng\nchecks: 3\n", "e.yaml:2:7", "invalid YAML"),
        // missing trace
        ("""
         traces: [t.pcapng, missing.pcapng]
         checks:
           - name: a
             run: tables
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:1:20", "missing.pcapng: cannot read it: No such file or directory"),
        // missing topology
        ("""
         traces: [t.pcapng]
         topology: nowhere.yaml
         checks:
           - name: a
             run: tables
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:2:11", "nowhere.yaml: cannot read it"),
        // a JSONPath that does not parse: the column inside the quoted path
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             expect:
               - { path: "$[?@.event = 'x']", exists: true }
         """, "e.yaml:6:29", "invalid JSONPath '$[?@.event = 'x']': expected ',' or ']' after a selector, found '=' (column 12 of the path)"),
        // an unknown key, an unknown assertion
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             expect:
               - { path: "$", atleast: 3 }
         """, "e.yaml:6:22", "unknown key 'atleast' in an assertion"),
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             expect:
               - { path: "$" }
         """, "e.yaml:6:9", "needs at least one of: equals, min, max, count, exists, contains"),
        // verify chooses the format
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             with: { format: csv }
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:5:13", "remove --format"),
        // two checks of one name
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             expect: [{ path: "$", exists: true }]
           - name: a
             run: info
             expect: [{ path: "$", exists: true }]
         """, "e.yaml:6:5", "a second check named 'a'"),
        // a count that is not a number
        ("""
         traces: [t.pcapng]
         checks:
           - name: a
             run: tables
             expect: [{ path: "$", count: some }]
         """, "e.yaml:5:34", "expected a count"),
    ]

    @Test(arguments: badFiles)
    func badExpectationsFilesAreExit2WithTheirPlace(_ text: String, _ place: String, _ words: String) throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [Self.scenarios + "/three-site.pcapng", dir + "/t.pcapng"])
        TestSupport.writeFile(dir + "/e.yaml", Array(text.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("roamcap: error: \(dir)/\(place): "), "\(r.stderr)")
        #expect(r.stderr.contains(words), "\(r.stderr)")
    }

    @Test func aMissingInputOnTheCommandLineIsExit2() {
        let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "/nonexistent/x.pcapng"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/x.pcapng: cannot read it"))
    }

    // MARK: The bundled fixture: outputs

    @Test func fixtureTableShowsThePassingAndTheDeliberatelyFailingChecks() {
        let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "--verbose"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("check "))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let failing = lines.filter { $0.contains("FAIL") }
        #expect(failing.count == 2)  // its table row and its message
        #expect(failing.allSatisfy { $0.contains("DELIBERATELY FAILING") })
        #expect(lines.filter { $0.contains(" pass ") }.count == 6)
        #expect(r.stdout.contains("three-site.expect.yaml:32:9: FAIL: check 'DELIBERATELY FAILING: igp-only loses nothing when vm1 moves': "
                                  + "$.policies[0].migrations[?@.mac == '02:00:00:00:00:07'].lostFrames: expected max 0, found [87, 10] (87 is above the max)"))
        #expect(lines.last == "\(Self.fixture): 4 checks: 3 passed, 1 failed")
        // Not a terminal: the table fits 80 columns; the failure lines below it are whole.
        let table = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        #expect(table.count == 9)
        #expect(table.allSatisfy { $0.count <= 80 }, "\(table)")
        #expect(table[2].hasPrefix("vm1 moved from A to C (gar…  pass    count 2  "), "\(table[2])")
        let wide = TestSupport.run(Self.bin, ["verify", Self.fixture, "--wide"])
        #expect(wide.stdout.contains("vm1 moved from A to C (garp), then from C to B (rarp)        pass    count 2   "))
        // Four checks, three distinct runs (the two tables checks share one); the two simulations
        // are one with every policy, and the tables ride on its two passes.
        #expect(r.stderr.contains("verify: 4 checks in 3 runs, 2 passes over the traces"), "\(r.stderr)")
        #expect(r.stderr.contains("roamcap tables --format ndjson --topology"))
    }

    @Test func jsonOutputCarriesEveryAssertion() throws {
        let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "--format", "json"])
        #expect(r.status == 1)
        let report = try JSONValue.parse(r.stdout)
        func one(_ path: String) throws -> JSONValue? { try JSONPath(path).select(report).first }
        #expect(try one("$.checks") == .int(4))
        #expect(try one("$.failed") == .int(1))
        #expect(try one("$.runs") == .int(3))
        #expect(try JSONPath("$.results[?@.result == 'fail'].name").select(report)
                == [.string("DELIBERATELY FAILING: igp-only loses nothing when vm1 moves")])
        #expect(try JSONPath("$.results[?@.result == 'fail'].assertions[0].found[*]").select(report) == [.int(87), .int(10)])
        #expect(try JSONPath("$.results[2].with.policy[*]").select(report) == [.string("flood"), .string("ideal")])
    }

    @Test func tapOutput() {
        let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "--tap"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(6)) == [
            "TAP version 14", "1..4",
            "ok 1 - vm1 moved from A to C (garp), then from C to B (rarp)",
            "ok 2 - the tenant VM in VNI 5000 moved without announcing itself",
            "ok 3 - flood and ideal lose no frame",
            "not ok 4 - DELIBERATELY FAILING: igp-only loses nothing when vm1 moves",
        ])
        #expect(lines[6] == "  ---")
        #expect(lines.contains("  severity: fail"))
        #expect(lines.contains(#"    - path: "$.policies[0].migrations[?@.mac == '02:00:00:00:00:07'].lostFrames""#))
        #expect(lines.contains(#"      expected: "max 0""#))
        #expect(lines.contains("      found: [87, 10]"))
        #expect(lines.suffix(2) == ["  ...", ""])
    }

    @Test func junitReportHasOneSuiteOneCasePerCheckAndTheFailure() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "--junit", dir + "/report.xml"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("4 checks: 3 passed, 1 failed"))
        let text = String(decoding: TestSupport.readFile(dir + "/report.xml"), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        let root = try XMLElement.parse(text)
        #expect(root.name == "testsuites")
        let suites = root.children.filter { $0.name == "testsuite" }
        #expect(suites.count == 1)
        let suite = try #require(suites.first)
        #expect(suite.attributes["name"] == "three-site.expect.yaml")
        #expect(suite.attributes["tests"] == "4")
        #expect(suite.attributes["failures"] == "1")
        #expect(suite.attributes["errors"] == "0")
        #expect(suite.attributes["timestamp"]?.count == 19)
        #expect(suite.attributes["hostname"]?.isEmpty == false)
        #expect(Double(suite.attributes["time"] ?? "") != nil)
        // The Ant schema's order: properties, testcases, system-out, system-err.
        #expect(suite.children.map(\.name) == ["properties", "testcase", "testcase", "testcase", "testcase", "system-out", "system-err"])
        let cases = suite.children.filter { $0.name == "testcase" }
        #expect(cases.map { $0.attributes["name"] ?? "" } == [
            "vm1 moved from A to C (garp), then from C to B (rarp)",
            "the tenant VM in VNI 5000 moved without announcing itself",
            "flood and ideal lose no frame",
            "DELIBERATELY FAILING: igp-only loses nothing when vm1 moves",
        ])
        #expect(cases.allSatisfy { Double($0.attributes["time"] ?? "") != nil })
        #expect(cases.map { $0.attributes["classname"] ?? "" }
                == ["roamcap.verify.three-site.tables", "roamcap.verify.three-site.tables",
                    "roamcap.verify.three-site.simulate", "roamcap.verify.three-site.simulate"])
        #expect(cases.prefix(3).allSatisfy { $0.children.isEmpty })
        let failure = try #require(cases[3].children.first)
        #expect(failure.name == "failure")
        #expect(failure.attributes["message"] == "check 'DELIBERATELY FAILING: igp-only loses nothing when vm1 moves' failed: "
                + "$.policies[0].migrations[?@.mac == '02:00:00:00:00:07'].lostFrames: expected max 0, found [87, 10] (87 is above the max)")
        #expect(failure.text.contains("three-site.expect.yaml:32:9: FAILED: $.policies[0].migrations[?@.mac == '02:00:00:00:00:07'].lostFrames: expected max 0"))
        #expect(failure.text.contains("found 2 values: [87, 10]"))
        if let xmllint = TestSupport.which("xmllint") {
            let lint = TestSupport.run(xmllint, ["--noout", dir + "/report.xml"])
            #expect(lint.status == 0, "\(lint.stderr)")
        }
    }

    @Test(.enabled(if: TestSupport.which("xmllint") != nil))
    func junitReportIsWellFormedForXmllint() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run(Self.bin, ["verify", Self.fixture, "--junit", dir + "/report.xml"])
        let lint = TestSupport.run(TestSupport.which("xmllint")!, ["--noout", dir + "/report.xml"])
        #expect(lint.status == 0, "\(lint.stderr)")
    }

    @Test func junitEscapesWhatXMLCannotCarry() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [Self.scenarios + "/three-site.pcapng", dir + "/t.pcapng"])
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [t.pcapng]
            checks:
              - name: "<&> \\"quoted\\" ]]> \\u0001 # tabs\\there"
                run: info
                expect:
                  - { path: "$[0].packets", equals: "<&>" }
            """.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--junit", "-"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("1 check: 0 passed, 1 failed"))
        let root = try XMLElement.parse(r.stdout)
        let testcase = try #require(root.children.first?.children.first { $0.name == "testcase" })
        #expect(testcase.attributes["name"] == "<&> \"quoted\" ]]> \u{FFFD} # tabs\there")
        #expect(testcase.children.first?.attributes["message"]?.contains(#"expected equals "<&>", found [2328]"#) == true)
        // TAP escapes the directive character.
        let tap = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--tap"])
        #expect(tap.stdout.contains("not ok 1 - <&> \"quoted\" ]]> \u{01} \\# tabs\there\n"))
    }

    // MARK: Runs

    @Test func checksWithTheSameRunAndOptionsShareOneRun() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [Self.scenarios + "/three-site.pcapng", Self.scenarios + "/three-site.topology.yaml", dir])
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [three-site.pcapng]
            topology: three-site.topology.yaml
            checks:
              - { name: a, run: simulate, with: { policy: flood, aging: 300s }, expect: [{ path: "$.policies[0].policy", equals: flood }] }
              - { name: b, run: simulate, with: { aging: 300s, policy: flood }, expect: [{ path: "$.policies", count: 1 }] }
              - { name: c, run: simulate, with: { policy: ideal }, expect: [{ path: "$.policies[0].policy", equals: ideal }] }
              - { name: d, run: info, expect: [{ path: "$[0].packets", equals: 2328 }, { path: "$[0].format", equals: pcapng }] }
              - { name: e, run: flows, with: { outages-only: true, silence-runs: false },
                  expect: [{ path: "$[*].outages[*]", count: 0 }] }
              - { name: f, run: info, expect: [{ path: "$[0].interfaces[*].name", count: 4 }] }
            """.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("6 checks: 6 passed, 0 failed"))
        // The flood simulation and the flows share its two passes; the ideal one reads on its own.
        #expect(r.stderr.contains("verify: 6 checks in 4 runs, 5 passes over the traces (the most demanding command alone: 2)"),
                "\(r.stderr)")
        #expect(r.stderr.contains("--topology \(dir)/three-site.topology.yaml \(dir)/three-site.pcapng: 1 check, passes shared with another run"),
                "\(r.stderr)")
        #expect(r.stderr.contains("roamcap flows --format ndjson --outages-only --no-silence-runs --topology"), "\(r.stderr)")
        #expect(r.stderr.contains("roamcap info --format json \(dir)/three-site.pcapng: 2 checks, 1 pass"), "\(r.stderr)")
    }

    @Test func tablesAtChecksTheSnapshotObject() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [Self.scenarios + "/three-site.pcapng", Self.scenarios + "/three-site.topology.yaml", dir])
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [three-site.pcapng]
            topology: three-site.topology.yaml
            checks:
              - name: "11 s in, site C has learned vm1 and A still has its stale entry"
                run: tables
                with: { at: 11, mac: "02:00:00:00:00:07" }
                expect:
                  - { path: "$.time", equals: "2026-11-20T10:00:11.000000000Z" }
                  - { path: "$.mac[?@.mac == '02:00:00:00:00:07'].site", count: 2, contains: C }
                  - { path: "$.mac[?@.site == 'C'].learned", min: "2026-11-20T10:00:10.200000000Z" }
                  - { path: "$.arp[?@.ip == '10.1.0.7']", contains: { site: C, via: arp } }
            """.utf8))
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(r.status == 2, "contains must be a mapping: \(r.stderr)")
        #expect(r.stderr.contains("e.yaml:9:82: contains must be a mapping"), "\(r.stderr)")
        var text = String(decoding: TestSupport.readFile(dir + "/e.yaml"), as: UTF8.self)
        func replace(_ old: String, _ new: String) { text = text.split(separator: old, omittingEmptySubsequences: false).joined(separator: new) }
        replace(", contains: C }", ", equals: C }")
        replace("count: 2, ", "")
        replace("'02:00:00:00:00:07'].site", "'02:00:00:00:00:07' && @.learned > '2026-11-20T10:00:10'].site")
        TestSupport.writeFile(dir + "/e.yaml", Array(text.utf8))
        let ok = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stderr.contains("roamcap tables --format json --at 11 --mac 02:00:00:00:00:07 --topology"), "\(ok.stderr)")
    }

    @Test func oneRunAtATimeGivesTheSameResults() throws {
        func results(_ jobs: String) throws -> [JSONValue] {
            let r = TestSupport.run(Self.bin, ["verify", Self.fixture, "--format", "json", "-j", jobs])
            #expect(r.status == 1)
            return try JSONPath("$.results[*]['name', 'result', 'assertions']").select(try JSONValue.parse(r.stdout))
        }
        let one = try results("1"), two = try results("2")
        #expect(one.count == 12)
        #expect(one == two)
    }

    @Test func rewriteRunsDryWithPathsRelativeToTheFile() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/cp", [TestSupport.root + "/fixtures/nat/cases.pcapng", TestSupport.root + "/fixtures/nat/moves.ndjson", dir])
        TestSupport.writeFile(dir + "/e.yaml", Array("""
            traces: [cases.pcapng]
            checks:
              - name: "the NAT rewrites every packet but two"
                run: rewrite
                with: { notifications: moves.ndjson }
                expect:
                  - { path: "$.packets", equals: 21 }
                  - { path: "$.rewritten", equals: 19 }
            """.utf8))
        // Run from elsewhere: moves.ndjson is found beside the expectations file.
        let r = TestSupport.run(Self.bin, ["verify", dir + "/e.yaml", "--verbose"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("roamcap rewrite --format json --notifications moves.ndjson --dry-run"), "\(r.stderr)")
        #expect(TestSupport.run("/bin/ls", [dir]).stdout == "cases.pcapng\ne.yaml\nmoves.ndjson\n")
    }

    /// The README's "roamcap in CI" section: its expectations file loads, and its GitHub Actions
    /// and GitLab CI jobs are YAML that runs verify and publishes the JUnit report.
    @Test func readmeExamplesParse() throws {
        let readme = String(decoding: TestSupport.readFile(TestSupport.root + "/README.md"), as: UTF8.self)
        let section = try #require(readme.split(separator: "## roamcap in CI").dropFirst().first?
            .split(separator: "\n## ").first)
        let blocks = section.split(separator: "```yaml\n").dropFirst().map { String($0.split(separator: "```").first ?? "") }
        #expect(blocks.count == 3)
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/lab.topology.yaml", Array("sites: { A: { ports: { p1: a } } }\n".utf8))
        let expectations = try Expectations.parse(blocks[0], file: "README.md", directory: dir, replacingTraces: true)
        #expect(expectations.checks.map(\.run) == ["tables", "simulate"])
        for job in blocks.dropFirst() {
            _ = try YAMLValue.parse(job, file: "README.md")
            #expect(job.contains("roamcap verify ") && job.contains("--junit "))
        }
        #expect(blocks[1].contains("mikepenz/action-junit-report"))
        #expect(blocks[2].contains("junit: roamcap-verify.xml"))
    }

    // MARK: Synth round trip

    @Test func synthExpectationsHoldOnTheTraceAndFailWhenAnAnnouncementIsCut() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let synth = TestSupport.run(Self.bin, ["synth", Self.scenarios + "/three-site.yaml", "-o", dir + "/lab.pcapng"])
        #expect(synth.status == 0, "\(synth.stderr)")
        let expect = dir + "/lab.expect.yaml"
        #expect(TestSupport.fileExists(expect))
        let good = TestSupport.run(Self.bin, ["verify", expect])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("8 checks: 8 passed, 0 failed"), "\(good.stdout)")

        // Cut vm1's gratuitous ARP at its first migration (sender IP = target IP, from its MAC).
        let cut = TestSupport.run(Self.bin, ["convert", dir + "/lab.pcapng", "-o", dir + "/cut.pcapng", "-f",
                                             "not (ether src 02:00:00:00:00:07 and vlan 10 and arp and arp[14:4] = arp[24:4])"])
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(try TestSupport.packets(dir + "/cut.pcapng").count == TestSupport.packets(dir + "/lab.pcapng").count - 1)
        let bad = TestSupport.run(Self.bin, ["verify", expect, dir + "/cut.pcapng", "--format", "json"])
        #expect(bad.status == 1, "\(bad.stderr)")
        let report = try JSONValue.parse(bad.stdout)
        let failed = try JSONPath("$.results[?@.result == 'fail'].name").select(report)
        #expect(failed.contains(.string("vm1 (02:00:00:00:00:07, vlan 10): migration from A/p1 to C/p1, evidence garp")), "\(failed)")
        let found = try JSONPath("$.results[?@.name == 'vm1 (02:00:00:00:00:07, vlan 10): migration from A/p1 to C/p1, evidence garp']"
                                 + ".assertions[?@.result == 'fail'].found[*]").select(report)
        #expect(found == [.string("frame")])
        // The other hosts' moves still hold.
        #expect(try JSONPath("$.results[?@.name == 'db (02:00:00:00:00:08, vlan 10): moved from A/p1 to A/p2, evidence garp'].result")
                    .select(report) == [.string("pass")])
    }

    @Test func synthExpectationsOfARepeatedMigration() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let synth = TestSupport.run(Self.bin, ["synth", Self.scenarios + "/flapping.yaml", "-o", dir + "/flap.pcapng"])
        #expect(synth.status == 0, "\(synth.stderr)")
        let r = TestSupport.run(Self.bin, ["verify", dir + "/flap.expect.yaml", "--tap"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok 2 - vm (02:00:00:00:00:aa, vlan 0): migration from A/p1 to B/p1 (3 times), evidence dhcp\n"),
                "\(r.stdout)")
    }
}

/// A small XML reader for the tests: elements, attributes and text, with the five entities
/// and character references; throws on anything not well-formed that it meets.
struct XMLElement {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    var text = ""

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ document: String) throws -> XMLElement {
        var s = Substring(document)
        if s.hasPrefix("<?xml") {
            guard let end = s.range(of: "?>") else { throw Malformed(description: "unterminated declaration") }
            s = s[end.upperBound...]
        }
        var stack: [XMLElement] = []
        var root: XMLElement?
        while !s.isEmpty {
            if s.first == "<" {
                guard let close = s.firstIndex(of: ">") else { throw Malformed(description: "unterminated tag") }
                let tag = s[s.index(after: s.startIndex)..<close]
                s = s[s.index(after: close)...]
                if tag.hasPrefix("/") {
                    guard let done = stack.popLast(), done.name == String(tag.dropFirst()) else {
                        throw Malformed(description: "mismatched </\(tag.dropFirst())>")
                    }
                    if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
                    continue
                }
                let selfClosing = tag.hasSuffix("/")
                var element = try element(selfClosing ? tag.dropLast() : tag)
                element.text = ""
                if selfClosing {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            } else {
                let end = s.firstIndex(of: "<") ?? s.endIndex
                let text = try unescape(s[..<end])
                if stack.isEmpty {
                    guard text.allSatisfy(\.isWhitespace) else { throw Malformed(description: "text outside the root") }
                } else {
                    stack[stack.count - 1].text += text
                }
                s = s[end...]
            }
        }
        guard stack.isEmpty, let root else { throw Malformed(description: "unclosed elements") }
        return root
    }

    static func element(_ tag: Substring) throws -> XMLElement {
        var rest = tag
        let nameEnd = rest.firstIndex(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) ?? rest.endIndex
        var element = XMLElement(name: String(rest[..<nameEnd]))
        rest = rest[nameEnd...]
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
            if rest.isEmpty { break }
            guard let eq = rest.firstIndex(of: "="), rest[rest.index(after: eq)] == "\"" else {
                throw Malformed(description: "bad attribute in <\(tag)>")
            }
            let name = String(rest[..<eq])
            let valueStart = rest.index(eq, offsetBy: 2)
            guard let valueEnd = rest[valueStart...].firstIndex(of: "\"") else { throw Malformed(description: "unterminated attribute") }
            let raw = rest[valueStart..<valueEnd]
            if raw.contains("<") { throw Malformed(description: "'<' in an attribute") }
            guard element.attributes[name] == nil else { throw Malformed(description: "duplicate attribute \(name)") }
            element.attributes[name] = try unescape(raw)
            rest = rest[rest.index(after: valueEnd)...]
        }
        return element
    }

    static func unescape(_ s: Substring) throws -> String {
        var out = ""
        var rest = s
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw Malformed(description: "bare '&'") }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                guard entity.hasPrefix("#"), let code = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : UInt32(entity.dropFirst()),
                      let scalar = Unicode.Scalar(code) else {
                    throw Malformed(description: "unknown entity &\(entity);")
                }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
