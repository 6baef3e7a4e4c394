import CaptureFile
import RoamcapKit
import Testing

/// `roamcap simulate` end to end: the JSON of SPEC §5, the forwarded trace (checked with tshark
/// where installed), the decision log, and bad input.
@Suite struct SimulateTests {
    let roamcap = TestSupport.binary

    @Test func jsonHasTheDocumentedFieldsAndCounts() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood-confirmed",
                                          "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        // One entry per policy asked for, in that order; the counts derived in FabricTests.
        #expect(r.stdout == """
            {
              "policies": [
                {
                  "policy": "igp-only",
                  "frames": 10,
                  "delivered": 6,
                  "misdelivered": 2,
                  "dropped": {
                    "stale-local": 1,
                    "stale-remote": 0,
                    "flood-at-core": 0,
                    "unknown-drop": 0
                  },
                  "inTransit": 1,
                  "excessCopies": 2,
                  "migrations": [
                    {
                      "mac": "02:00:00:00:00:07",
                      "vlan": 0,
                      "from": {
                        "site": "A",
                        "port": "p1"
                      },
                      "to": {
                        "site": "C",
                        "port": "p1"
                      },
                      "time": "2026-11-20T10:00:05.000000000Z",
                      "packet": 9,
                      "lostFrames": 3,
                      "outageSeconds": 1.5
                    }
                  ]
                },
                {
                  "policy": "flood-confirmed",
                  "frames": 10,
                  "delivered": 8,
                  "misdelivered": 0,
                  "dropped": {
                    "stale-local": 0,
                    "stale-remote": 0,
                    "flood-at-core": 1,
                    "unknown-drop": 0
                  },
                  "inTransit": 1,
                  "excessCopies": 4,
                  "migrations": [
                    {
                      "mac": "02:00:00:00:00:07",
                      "vlan": 0,
                      "from": {
                        "site": "A",
                        "port": "p1"
                      },
                      "to": {
                        "site": "C",
                        "port": "p1"
                      },
                      "time": "2026-11-20T10:00:05.000000000Z",
                      "packet": 9,
                      "lostFrames": 1,
                      "outageSeconds": 0.5
                    }
                  ]
                }
              ]
            }

            """)
        // The overrides on the command line.
        let drop = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "ideal",
                                             "--unknown-unicast", "drop", "--format", "csv"])
        #expect(drop.status == 0)
        #expect(drop.stdout.split(separator: "\n").last == "ideal,10,8,0,1,0,0,0,1,1,0,1,0")
        let delay = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only",
                                              "--advertise-delay", "C=1.2s", "--aging", "300s", "--format", "ndjson"])
        #expect(delay.status == 0)
        #expect(delay.stdout.contains("\"lostFrames\":2,\"outageSeconds\":1}"))
        // The human table shows the policies side by side and the migration.
        let table = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("                         igp-only  flood  flood-confirmed  ideal\n"))
        #expect(table.stdout.contains("3 / 1.500s  0 / 0.000s  1 / 0.500s       0 / 0.000s"))
    }

    @Test func forwardedTraceAndDecisions() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let out = dir + "/forwarded.pcapng"
        let log = dir + "/decisions.ndjson"
        let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood-confirmed",
                                          "--trace-policy", "flood-confirmed", "-o", out, "--decisions", log])
        #expect(r.status == 0, "\(r.stderr)")
        // Every copy on its egress interface, annotated with the outcome and the input packet number.
        let reader = try CaptureReader(path: out)
        var records: [(interface: String, packet: UInt64, comments: [String])] = []
        while let packet = try reader.nextPacket() {
            let options = packet.decodedOptions
            let id = options.first { $0.code == 5 }.map { $0.value.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            records.append((reader.interfaces[packet.interface].name ?? "?", id ?? 0, options.comments))
        }
        // #10 (b → M) under flood-confirmed: one core copy B→A, discarded at A.
        let ten = records.filter { $0.packet == 10 }
        #expect(ten.map(\.interface) == ["B/core"])
        #expect(ten.first?.comments == ["dropped flood-at-core at A (entry flood since 5s), destination at C/p1",
                                        "core copy B→A: discarded at A (entry flood since 5s)"])
        // #11 (a → M from A/p2): flooded to B (excess, discarded) and C (delivered at C/p1).
        let eleven = records.filter { $0.packet == 11 }
        #expect(eleven.map(\.interface) == ["A/core", "A/core", "C/p1"])
        #expect(eleven.allSatisfy { $0.comments.first == "delivered at C/p1" })
        #expect(eleven[0].comments.last == "core copy A→B: discarded at B (entry remote A since 2s), excess copy")
        // #1 (M's ARP broadcast from A/p1) reaches every other port and every other site.
        #expect(records.filter { $0.packet == 1 }.map(\.interface) == ["A/p2", "A/core", "B/p1", "A/core", "C/p1"])
        // Every input frame is in the trace.
        #expect(Set(records.map(\.packet)) == Set(1...15))

        // The decision log: one object per judged frame and policy.
        let lines = String(decoding: TestSupport.readFile(log), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.contains { $0.hasPrefix("{\"policy\":\"igp-only\",\"packet\":12,") && $0.contains("\"outcome\":\"dropped\",\"cause\":\"stale-local\"") })

    }

    @Test(.enabled(if: TestSupport.which("tshark") != nil, "tshark is not installed"))
    func forwardedTraceReadsInTshark() throws {
        let tshark = try #require(TestSupport.which("tshark"))
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let out = dir + "/forwarded.pcapng"
        let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood-confirmed",
                                          "--trace-policy", "flood-confirmed", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let dropped = TestSupport.run(tshark, ["-r", out, "-Y", "frame.comment contains \"flood-at-core\"", "-T", "fields",
                                               "-e", "frame.interface_name", "-e", "frame.packet_id",
                                               "-e", "frame.verdict.ebpf_tc"])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(dropped.stdout == "B/core\t10\t2\n")
        let interfaces = TestSupport.run(tshark, ["-r", out, "-T", "fields", "-e", "frame.interface_name"])
        #expect(Set(interfaces.stdout.split(separator: "\n")) == ["A/p1", "A/p2", "B/p1", "C/p1", "A/core", "B/core", "C/core"])
    }

    @Test func badInputIsOneLineExitTwo() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try HandScenario.write(into: dir)
        let policy = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,magic"])
        #expect(policy.status == 2)
        #expect(policy.stderr == "roamcap: error: The value 'igp-only,magic' is invalid for '--policy <policy>'. "
                + "Please provide one of 'igp-only', 'flood', 'flood-confirmed' or 'ideal'.\n")
        let missing = TestSupport.run(roamcap, ["simulate", trace, "--topology", dir + "/none.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "roamcap: error: \(dir)/none.yaml: cannot open: No such file or directory\n")
        let mode = TestSupport.run(roamcap, ["simulate", trace, "--unknown-unicast", "maybe"])
        #expect(mode.status == 2 && mode.stderr.split(separator: "\n").count == 1)
        let site = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--advertise-delay", "Z=1s"])
        #expect(site.status == 2 && site.stderr.contains("no site 'Z'"))
        let input = TestSupport.run(roamcap, ["simulate", dir + "/absent.pcapng", "--topology", topology])
        #expect(input.status == 2 && input.stderr.split(separator: "\n").count == 1)
    }
}
