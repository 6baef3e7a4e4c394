import CaptureFile
import RoamcapKit
import Testing

/// The roamcap binary end to end: exit codes, one-line diagnostics, outputs.
@Suite struct CommandLineTests {
    let roamcap = TestSupport.binary

    @Test func versionAndHelp() {
        let version = TestSupport.run(roamcap, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix(roamcapVersion))
        let help = TestSupport.run(roamcap, ["info", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--format"))
    }

    @Test func badUsageExitsTwo() {
        let r = TestSupport.run(roamcap, ["info", "--format", "xml", "x.pcap"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("roamcap: error: "))
        let count = TestSupport.run(roamcap, ["convert", "a.pcap", "-o", "b.pcap", "--from", "yesterday"])
        #expect(count.status == 2 && count.stderr.contains("--from"))
    }

    @Test func missingFileIsOneLineExitTwo() {
        let r = TestSupport.run(roamcap, ["info", "/nonexistent/trace.pcap"])
        #expect(r.status == 2)
        #expect(r.stderr == "roamcap: error: /nonexistent/trace.pcap: cannot open: No such file or directory\n")
    }

    @Test func corruptFilesNameFileOffsetAndPacket() throws {
        guard let corpus = TestSupport.corpus else { return }
        let path = corpus + "/libpcap__pcapng-invalid-vers-1.pcapng"
        let r = TestSupport.run(roamcap, ["info", path])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains(path + ": byte 12, packet 1 (SHB): unsupported pcapng version 0.1"))
    }

    @Test func truncatedRecordAndKeepGoing() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let path = dir + "/cut.pcap"
        try SampleTraces.writeEthernetPcap(path, count: 5)
        var bytes = TestSupport.readFile(path)
        bytes.removeLast(10)  // cut inside the last packet
        TestSupport.writeFile(path, bytes)
        let strict = TestSupport.run(roamcap, ["info", path])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("packet 5"))
        #expect(strict.stderr.contains("byte "))
        let lenient = TestSupport.run(roamcap, ["info", "--keep-going", "--format", "json", path])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("\"packets\": 4"))
        #expect(lenient.stderr.contains("skipped 1 unreadable records"))
    }

    @Test func infoJsonHasTheDocumentedFields() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try SampleTraces.writeEthernetPcap(dir + "/a.pcap", count: 3)
        let r = TestSupport.run(roamcap, ["info", "--format", "json", dir + "/a.pcap"])
        #expect(r.status == 0)
        for field in ["\"file\"", "\"format\": \"pcap\"", "\"compression\": \"none\"", "\"packets\": 3",
                      "\"bytes\"", "\"first\": \"2026-11-20T10:00:00.000000000Z\"",
                      "\"last\": \"2026-11-20T10:00:00.002000000Z\"", "\"ordered\": true",
                      "\"linkType\": 1", "\"snaplen\"", "\"tsresol\": \"µs\""] {
            #expect(r.stdout.contains(field), "missing \(field)")
        }
        let stdin = TestSupport.run("/bin/sh", ["-c", "\(roamcap) info --format csv - < \(dir)/a.pcap"])
        #expect(stdin.status == 0 && stdin.stdout.contains("-,pcap,none,3,"))
    }

    @Test func outputIsAtomicAndNeverReplacesAnInput() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let a = dir + "/a.pcap"
        try SampleTraces.writeEthernetPcap(a, count: 3)
        let sameFile = TestSupport.run(roamcap, ["convert", a, "-o", a, "--force"])
        #expect(sameFile.status == 2 && sameFile.stderr.contains("refusing to overwrite input"))
        let b = dir + "/b.pcap"
        #expect(TestSupport.run(roamcap, ["convert", a, "-o", b]).status == 0)
        let again = TestSupport.run(roamcap, ["convert", a, "-o", b])
        #expect(again.status == 2 && again.stderr.contains("already exists"))
        #expect(TestSupport.run(roamcap, ["convert", a, "-o", b, "--force"]).status == 0)

        // Mixed link types cannot go to pcap: error naming both, and no file left behind.
        let sll = dir + "/sll.pcap"
        try SampleTraces.writeEthernetPcap(sll, count: 2, linkType: 113)
        let merged = dir + "/mixed.pcapng"
        #expect(TestSupport.run(roamcap, ["merge", a, sll, "-o", merged]).status == 0)
        let bad = TestSupport.run(roamcap, ["convert", merged, "-o", dir + "/mixed.pcap"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("1 (EN10MB)") && bad.stderr.contains("113 (LINUX_SLL)"))
        let leftovers = TestSupport.run("/bin/ls", ["-A", dir]).stdout.split(separator: "\n").map(String.init)
        #expect(leftovers.sorted() == ["a.pcap", "b.pcap", "mixed.pcapng", "sll.pcap"])
    }

    @Test func mergeOrdersByTimeWithOffsetsAndNamesInterfaces() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try SampleTraces.writeEthernetPcap(dir + "/dcA.pcap", count: 3, start: 100, step: 10_000)
        try SampleTraces.writeEthernetPcap(dir + "/dcB.pcap", count: 3, start: 100, step: 10_000, marker: 0xBB)
        let out = dir + "/m.pcapng"
        let r = TestSupport.run(roamcap, ["merge", dir + "/dcA.pcap", dir + "/dcB.pcap", "-o", out,
                                          "--offset", "dcB.pcap=+0.005"])
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try CaptureReader(path: out)
        var order: [(Int, Timestamp)] = []
        while let p = try reader.nextPacket() { order.append((p.interface, p.timestamp)) }
        #expect(reader.interfaces.map(\.name) == ["dcA.pcap", "dcB.pcap"])
        #expect(order.map(\.0) == [0, 1, 0, 1, 0, 1])
        #expect(order.map(\.1) == order.map(\.1).sorted())
        #expect(order[1].1.nanoseconds(since: order[0].1) == 5_000_000)
        let badOffset = TestSupport.run(roamcap, ["merge", dir + "/dcA.pcap", "-o", dir + "/x.pcapng",
                                                  "--offset", "nope.pcap=1"])
        #expect(badOffset.status == 2 && badOffset.stderr.contains("not an input"))
    }

    @Test func filterTimeWindowAndCount() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let a = dir + "/a.pcap"
        try SampleTraces.writeEthernetPcap(a, count: 10, step: 1_000_000, tagEvery: 2)
        func count(_ args: [String]) throws -> Int {
            let out = dir + "/o\(args.joined().hashValue & 0xFFFF).pcap"
            let r = TestSupport.run(roamcap, ["convert", a, "-o", out, "--force"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return try TestSupport.packets(out).count
        }
        #expect(try count([]) == 10)
        #expect(try count(["--count", "3"]) == 3)
        #expect(try count(["--from", "2", "--until", "5"]) == 3)
        #expect(try count(["--from", "2026-11-20T10:00:07Z"]) == 3)
        // Half the frames are 802.1Q-tagged: matched through the tag by default, not with --strict-vlan.
        #expect(try count(["-f", "udp"]) == 10)
        #expect(try count(["-f", "udp", "--strict-vlan"]) == 5)
        #expect(try count(["-f", "vlan 42"]) == 5)
        let bad = TestSupport.run(roamcap, ["convert", a, "-o", dir + "/x.pcap", "-f", "host and and"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("roamcap: error: filter 'host and and'"))
    }
}

/// The committed shell completions are what the argument parser generates today (`make docs`
/// regenerates them; the man pages are checked the same way by `make docs-check`).
@Suite struct CompletionDriftTests {
    @Test(arguments: [("bash", "roamcap.bash"), ("zsh", "_roamcap"), ("fish", "roamcap.fish")])
    func completionsMatchTheParser(shell: String, file: String) {
        let fresh = TestSupport.run(TestSupport.binary, ["--generate-completion-script", shell])
        #expect(fresh.status == 0)
        let committed = String(decoding: TestSupport.readFile(TestSupport.root + "/completions/" + file), as: UTF8.self)
        #expect(!committed.isEmpty)
        #expect(fresh.stdout == committed, "completions/\(file) is stale: run 'make docs'")
    }
}
