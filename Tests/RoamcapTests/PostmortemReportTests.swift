import Foundation
import Testing

/// `roamcap report` (SPEC §7) on the bundled three-site scenario: the embedded data is each
/// command's own JSON, the page references nothing outside itself, and a real browser renders it.
@Suite(.serialized) struct PostmortemReportTests {
    static let scenario = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    static let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"
    static let artifacts = TestSupport.root + "/.build/test-artifacts"

    /// Runs `roamcap report` and returns the page.
    static func report(_ arguments: [String], to path: String) throws -> String {
        let r = TestSupport.run(TestSupport.binary, ["report"] + arguments + ["-o", path, "--force"])
        #expect(r.status == 0, "\(r.stderr)")
        return String(decoding: TestSupport.readFile(path), as: UTF8.self)
    }

    /// The text of `<script type="application/json" id="roamcap-report">`, as a parsed value.
    static func embedded(_ page: String) throws -> [String: Any] {
        let open = "<script type=\"application/json\" id=\"roamcap-report\">"
        let start = try #require(page.range(of: open))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let text = String(page[start.upperBound..<end.lowerBound])
        #expect(page.components(separatedBy: open).count == 2, "the data is embedded once")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    /// JSON text parsed and written back canonically (sorted keys), for comparing values.
    static func canonical(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    static func command(_ arguments: [String]) throws -> Any {
        let r = TestSupport.run(TestSupport.binary, arguments)
        #expect(r.status == 0, "\(arguments.first ?? ""): \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
    }

    static func ndjson(_ arguments: [String]) throws -> [Any] {
        let r = TestSupport.run(TestSupport.binary, arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
    }

    @Test func embeddedDataIsEachCommandsJSON() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let page = try Self.report([Self.scenario, "--topology", Self.topology], to: dir + "/r.html")
        let data = try Self.embedded(page)
        #expect(Set(data.keys) == ["info", "events", "simulate", "flows"])
        let inputs = [Self.scenario, "--topology", Self.topology]
        #expect(try Self.canonical(data["info"]!) == Self.canonical(Self.command(["info", "--format", "json", Self.scenario])))
        let events = try Self.ndjson(["tables", "--format", "ndjson"] + inputs)
        #expect(events.count > 0)
        #expect(try Self.canonical(data["events"]!) == Self.canonical(events))
        #expect(try Self.canonical(data["simulate"]!) == Self.canonical(Self.command(["simulate", "--format", "json"] + inputs)))
        let flows = try Self.command(["flows", "--format", "json"] + inputs)
        #expect((flows as? [Any])?.isEmpty == false)
        #expect(try Self.canonical(data["flows"]!) == Self.canonical(flows))

        // Several policies: simulate's JSON with the same policies, in that order.
        let two = try Self.embedded(try Self.report(inputs + ["--policy", "ideal,flood"], to: dir + "/p.html"))
        #expect(try Self.canonical(two["simulate"]!)
                == Self.canonical(Self.command(["simulate", "--format", "json", "--policy", "ideal,flood"] + inputs)))

        // Without a topology, simulate is null.
        let bare = try Self.embedded(try Self.report([Self.scenario], to: dir + "/b.html"))
        #expect(bare["simulate"] is NSNull)
        #expect(try Self.canonical(bare["flows"]!) == Self.canonical(Self.command(["flows", "--format", "json", Self.scenario])))
    }

    /// No `src`/`href` leaves the file, nothing is linked or imported; `</` inside the data is escaped.
    @Test func nothingOutsideThePage() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let page = try Self.report([Self.scenario, "--topology", Self.topology], to: dir + "/r.html")
        for bad in ["http:", "https:", "src=", "href=", "<link", "<img", "<iframe", "@import", "url("] {
            #expect(!page.contains(bad), "the page contains \(bad)")
        }
        #expect(page.contains("@media print"))
        // The events table names the IP that moved with its MAC.
        #expect(page.contains("<td>migration</td><td>10</td><td>02:00:00:00:00:07</td><td>10.1.0.7</td>"))
        #expect(page.contains("<svg id=\"timeline-svg\"") && page.contains("id=\"outage-table\""))
        // One data block and one script, both inline.
        #expect(page.components(separatedBy: "<script").count == 3)
    }

    /// A file path holding `</` (a directory named `<`): escaped in the data, which still parses
    /// to the path, and in the page's text.
    @Test func dataCannotCloseItsScriptElement() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = TestSupport.run("/bin/mkdir", [dir + "/<"])
        let trace = dir + "/</script><b>.pcapng"
        _ = TestSupport.run("/bin/cp", [Self.scenario, trace])
        #expect(TestSupport.fileExists(trace))
        let page = try Self.report([trace], to: dir + "/r.html")
        #expect(page.contains("<\\/script><b>.pcapng"))
        #expect(!page.contains("</script><b>"))
        let data = try Self.embedded(page)
        let info = try #require(data["info"] as? [[String: Any]])
        #expect(info.first?["file"] as? String == trace)
    }

    /// Large traces: the worst N flows are embedded and listed, and the page says so.
    @Test func topFlowsAreSaidInThePage() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let page = try Self.report([Self.scenario, "--topology", Self.topology, "--top-flows", "1", "--max-events", "5"],
                                   to: dir + "/r.html")
        let data = try Self.embedded(page)
        #expect((data["flows"] as? [Any])?.count == 1 && (data["events"] as? [Any])?.count == 5)
        let all = try Self.command(["flows", "--format", "json", "--top", "1", Self.scenario, "--topology", Self.topology])
        #expect(try Self.canonical(data["flows"]!) == Self.canonical(all))
        #expect(page.contains("the worst 1 flows are listed and embedded, the other 16 are summarised"))
        #expect(page.contains("the first 5 events are embedded"))
    }

    /// A network request attempted by a page loaded from a file: chromium's net log records it
    /// with a `file://` network isolation key (the browser's own background requests have none).
    static func pageRequests(netLog path: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(TestSupport.readFile(path)))
        let events = (object as? [String: Any])?["events"] as? [[String: Any]] ?? []
        var urls: Set<String> = []
        for event in events {
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                  let key = params["network_isolation_key"] as? String, key.contains("file://") else { continue }
            if !url.hasPrefix("file:") && !url.hasPrefix("data:") { urls.insert(url) }
        }
        return urls.sorted()
    }

    static let chromium = TestSupport.which("chromium")

    /// Runs headless chromium on a file; returns (dumped DOM, stderr, page requests).
    static func browse(_ file: String, in dir: String) throws -> (dom: String, log: String, requests: [String]) {
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                      "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
                      "--user-data-dir=" + dir + "/profile"]
        let r = TestSupport.run(chromium!, common + ["--log-net-log=" + dir + "/net.json", "--dump-dom", "file://" + file])
        return (r.stdout, r.stderr, try pageRequests(netLog: dir + "/net.json"))
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium; make oracles)"))
    func headlessChromiumRendersIt() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let html = dir + "/report.html"
        _ = try Self.report([Self.scenario, "--topology", Self.topology], to: html)
        let (dom, log, requests) = try Self.browse(html, in: dir)
        #expect(requests.isEmpty, "the page requested \(requests)")
        let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") }
        #expect(console.isEmpty, "console: \(console)")
        // The script ran to its end, and rebuilt the tables at the last instant.
        #expect(dom.contains("data-roamcap-ready=\"1\""))
        #expect(dom.contains("<svg id=\"timeline-svg\"") && dom.contains("class=\"migration\""))
        #expect(dom.contains("id=\"outage-table\"") && dom.contains("<td>silence</td>"))
        let macAt = try #require(dom.range(of: "id=\"mac-at\""))
        #expect(dom[macAt.upperBound...].prefix(400).contains("<tbody><tr><td>"), "the MAC table at the instant is empty")

        // Opened at an instant (#t=11): the stations where the events put them at 10:00:11 —
        // 02:00:00:00:00:07 moved A/p1 → C/p1 at 10.2 s (and on to B/p1 at 22.15 s), 02:..:08 moves
        // A/p1 → A/p2 only at 12.05 s, 02:..:09 C/p1 → A/p1 only at 15.1 s.
        let at = try Self.browse(html + "#t=11", in: dir).dom
        #expect(at.contains("2026-11-20T10:00:11.000Z"))
        #expect(at.contains("<tr><td>C/p1</td><td>10</td><td>02:00:00:00:00:07</td><td>2026-11-20T10:00:10.200000000Z</td></tr>"))
        #expect(at.contains("<tr><td>A/p1</td><td>10</td><td>02:00:00:00:00:08</td>"))
        #expect(at.contains("<tr><td>C/p1</td><td>10</td><td>02:00:00:00:00:09</td>"))

        // The checks see what they look for: a page with an external image and a script error.
        let bad = dir + "/bad.html"
        TestSupport.writeFile(bad, Array("<html><body><img src=\"http://example.invalid/x.png\"><script>nosuch()</script></body></html>".utf8))
        let control = try Self.browse(bad, in: dir)
        #expect(control.requests == ["http://example.invalid/x.png"])
        #expect(control.log.contains("CONSOLE") && control.log.contains("nosuch"))

        // A screenshot kept as a test artifact.
        _ = TestSupport.run("/bin/mkdir", ["-p", Self.artifacts])
        let png = Self.artifacts + "/postmortem-three-site.png"
        _ = unlink(png)
        let shot = TestSupport.run(Self.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                    "--user-data-dir=" + dir + "/profile", "--screenshot=" + png,
                                                    "--window-size=1400,1000", "file://" + html])
        #expect(TestSupport.fileExists(png), "no screenshot: \(shot.stderr.suffix(300))")
        let header = TestSupport.readFile(png).prefix(8)
        #expect(Array(header) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}
