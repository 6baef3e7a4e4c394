import CaptureFile
@testable import RoamcapKit
import Testing

/// Sharded runs (SPEC §9): `timeline` + `simulate --shard` + `combine` report exactly what a
/// single `simulate` reports, wherever the shards are cut.
@Suite struct ShardedSimulateTests {
    static let fixtures = TestSupport.root + "/fixtures"

    /// A scenario: inputs, topology file (or none) and fabric settings.
    struct Case {
        var name: String
        var inputs: [String]
        var topology: String?
        var settings = FabricSettings()
    }

    static let cases: [Case] = [
        Case(name: "three-site", inputs: [fixtures + "/scenarios/three-site.pcapng"],
             topology: fixtures + "/scenarios/three-site.topology.yaml"),
        Case(name: "flapping", inputs: [fixtures + "/scenarios/flapping.pcapng"],
             topology: fixtures + "/scenarios/flapping.topology.yaml"),
        // pcap, pcapng and zstd-compressed pcap merged, default topology (a site per input).
        Case(name: "three taps", inputs: ["dcA.pcap", "dcB.pcapng", "dcC.pcap.zst"].map { fixtures + "/" + $0 }),
        // Entries age out (1 s) inside shards and across their boundaries; advertisements are
        // on their way (3 s) at most boundaries.
        Case(name: "three-site, short aging", inputs: [fixtures + "/scenarios/three-site.pcapng"],
             topology: fixtures + "/scenarios/three-site.topology.yaml",
             settings: FabricSettings(advertiseDelay: 3_000_000_000, aging: 1_000_000_000)),
    ]

    func single(_ c: Case, selection: PacketSelection? = nil) throws -> String {
        let topology = try c.topology.map { try Topology.load(path: $0) }
        let report = try simulateFabric(inputs: c.inputs, topology: topology,
                                        options: FabricOptions(settings: c.settings), selection: selection)
        return report.json.pretty()
    }

    /// The combined report of `c` cut before the frames `boundaries` (+1), through files as the
    /// command line writes them (the timeline and parts are encoded and decoded).
    func sharded(_ c: Case, boundaries: [Int]? = nil, shards: Int? = nil, selection: PacketSelection? = nil,
                 dir: String) throws -> (json: String, timeline: Timeline) {
        let topology = try c.topology.map { try Topology.load(path: $0) }
        var request = TimelineRequest(inputs: c.inputs, topology: topology, topologyDigest: c.topology.flatMap(fileDigest(path:)),
                                      shards: shards, settings: c.settings, readFilter: selection?.readFilter, reading: ReadOptions())
        request.boundaries = boundaries
        let made = try makeTimeline(request)
        try writeShardFile(made.encoded(), to: dir + "/tl.json", force: true, inputs: [])
        let timeline = try Timeline.load(path: dir + "/tl.json")
        var paths: [String] = []
        for k in 1...timeline.shards.count {
            let part = try simulateShard(inputs: c.inputs, topology: topology, topologyDigest: request.topologyDigest,
                                         options: FabricOptions(settings: c.settings), selection: selection,
                                         request: ShardRequest(timeline: timeline, shard: k, shards: timeline.shards.count))
            paths.append(dir + "/part\(k).json")
            try writeShardFile(part.encoded(), to: paths.last!, force: true, inputs: [])
        }
        // The parts in any order.
        return (try #require(try combineParts(paths: paths.reversed()).simulate).json.pretty(), timeline)
    }

    @Test(arguments: cases.map(\.name))
    func equalShardsGiveTheSingleRun(_ name: String) throws {
        let c = Self.cases.first { $0.name == name }!
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let expected = try single(c)
        for n in [1, 2, 3, 7] {
            let (json, timeline) = try sharded(c, shards: n, dir: dir)
            #expect(timeline.shards.count == n)
            #expect(json == expected, "\(name), \(n) shards")
        }
    }

    /// Shards cut at every migration's frame, one before and one after: the move's first frame
    /// at its new site is the last of a shard, the first of one, or the second.
    @Test(arguments: cases.map(\.name))
    func cutsAtEveryMigrationGiveTheSingleRun(_ name: String) throws {
        let c = Self.cases.first { $0.name == name }!
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let expected = try single(c)
        let topology = try c.topology.map { try Topology.load(path: $0) }
        let truth = try runGroundTruthPass(inputs: c.inputs, topology: topology, options: FabricOptions(settings: c.settings),
                                           readFilter: nil)
        #expect(!truth.truth.migrations.isEmpty)
        for delta in [-2, -1, 0] {
            let cuts = Set(truth.truth.migrations.map { $0.packet + delta }.filter { $0 > 0 && $0 < truth.frames }).sorted()
            let (json, timeline) = try sharded(c, boundaries: cuts, dir: dir)
            #expect(timeline.shards.count == cuts.count + 1)
            #expect(json == expected, "\(name), cut before migration frames \(delta)")
        }
    }

    /// A shard can hold no frame at all (more shards asked than there are cuts that matter).
    @Test func emptyShardsAddNothing() throws {
        let c = Self.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (json, timeline) = try sharded(c, boundaries: [500, 500, 500, 1000], dir: dir)
        #expect(timeline.shards.map(\.frames).contains(0))
        #expect(json == (try single(c)))
    }

    /// A display filter and a time window select what is reported in every shard as in the single run.
    @Test func filtersSelectTheSameInShards() throws {
        let c = Self.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let selection = try PacketSelection(filter: "arp or icmp", strictVLAN: false, from: TimeBound("9"),
                                            until: TimeBound("21"), count: nil, readFilter: "not udp port 53")
        let expected = try single(c, selection: selection)
        let (json, _) = try sharded(c, shards: 5, selection: selection, dir: dir)
        #expect(json == expected)
    }

    /// The timeline is a file of its own: written and read back, it is the same.
    @Test func timelineRoundTripsAndStaysSmall() throws {
        let c = Self.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, timeline) = try sharded(c, shards: 3, dir: dir)
        #expect(timeline.encoded() == (try Timeline.load(path: dir + "/tl.json")).encoded())
        #expect(timeline.frames == 2328)
        #expect(timeline.shards.map(\.frames) == [776, 776, 776])
        // Stations and moves, not packets: the same timeline for a trace twice as long would
        // only grow by its new moves.
        #expect(timeline.encoded().count < 20_000)
    }
}

/// The command line of sharded runs: the three commands, and every refusal (exit 2, one line).
@Suite struct ShardedCommandLineTests {
    let roamcap = TestSupport.binary
    let trace = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"

    func runShards(_ n: Int, dir: String, extra: [String] = []) -> [String] {
        let t = TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", String(n), "-o", dir + "/tl.json"])
        #expect(t.status == 0, "\(t.stderr)")
        return (1...n).map { k in
            let part = dir + "/p\(k).json"
            let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--timeline", dir + "/tl.json",
                                              "--shard", "\(k)/\(n)", "-o", part] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return part
        }
    }

    @Test func combineGivesTheSingleRunsJSONByteForByte() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let parts = runShards(3, dir: dir, extra: ["--policy", "igp-only,flood"])
        let single = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood",
                                               "--format", "json"])
        let combined = TestSupport.run(roamcap, ["combine"] + parts + ["--format", "json"])
        #expect(combined.status == 0, "\(combined.stderr)")
        #expect(combined.stdout == single.stdout)
        #expect(single.stdout.contains("\"lostFrames\""))
        // -o writes the same, and the table is the single run's table.
        let out = TestSupport.run(roamcap, ["combine"] + parts + ["--format", "json", "-o", dir + "/result.json"])
        #expect(out.status == 0 && out.stdout.isEmpty)
        #expect(TestSupport.run("/bin/cat", [dir + "/result.json"]).stdout == single.stdout)
        let table = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--policy", "igp-only,flood"])
        #expect(TestSupport.run(roamcap, ["combine"] + parts).stdout == table.stdout)
    }

    /// `--control-plane captured`: the advertisements read from the capture's BGP EVPN sessions
    /// are part of the timeline, the `captured` run's tables too.
    @Test func capturedControlPlaneShardsGiveTheSingleRun() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let scenario = String(decoding: TestSupport.readFile(TestSupport.root + "/fixtures/scenarios/three-site.yaml"), as: UTF8.self)
        TestSupport.writeFile(dir + "/s.yaml", Array((scenario + "\nbgp-evpn: true\n").utf8))
        #expect(TestSupport.run(roamcap, ["synth", dir + "/s.yaml", "-o", dir + "/s.pcapng"]).status == 0)
        let common = [dir + "/s.pcapng", "--topology", dir + "/s.topology.yaml", "--control-plane", "captured"]
        let single = TestSupport.run(roamcap, ["simulate"] + common + ["--format", "json"])
        #expect(single.stdout.contains("\"policy\": \"captured\"") || single.stdout.contains("\"policy\" : \"captured\""))
        #expect(TestSupport.run(roamcap, ["timeline"] + common + ["--shards", "4", "-o", dir + "/tl.json"]).status == 0)
        var parts: [String] = []
        for k in 1...4 {
            parts.append(dir + "/p\(k).json")
            let r = TestSupport.run(roamcap, ["simulate"] + common + ["--timeline", dir + "/tl.json", "--shard", "\(k)/4",
                                                                      "-o", parts.last!])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(TestSupport.run(roamcap, ["combine"] + parts + ["--format", "json"]).stdout == single.stdout)
        // A timeline made without the captured control plane cannot run it.
        #expect(TestSupport.run(roamcap, ["timeline", dir + "/s.pcapng", "--topology", dir + "/s.topology.yaml", "--shards", "2",
                                          "-o", dir + "/plain.json"]).status == 0)
        let refused = TestSupport.run(roamcap, ["simulate"] + common + ["--timeline", dir + "/plain.json", "--shard", "1/2",
                                                                        "-o", dir + "/x.json"])
        #expect(refused.status == 2 && refused.stderr.contains("the timeline was made without it"))
    }

    /// `tables` in shards: the table engine's events are in the timeline; a shard reports those
    /// its frames reported, selected as a single run selects them.
    @Test func tablesShardsGiveTheSingleRun() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let flapping = TestSupport.root + "/fixtures/scenarios/flapping.pcapng"
        let flappingTopology = TestSupport.root + "/fixtures/scenarios/flapping.topology.yaml"
        let runs: [(inputs: [String], timeline: [String], tables: [String])] = [
            ([trace, "--topology", topology], [], []),
            ([trace, "--topology", topology], [], ["-f", "arp", "--from", "9", "--until", "21"]),
            ([trace, "--topology", topology], ["--aging", "2s", "--duplicate-moves", "2"], ["--aging", "2s", "--duplicate-moves", "2"]),
            ([flapping, "--topology", flappingTopology], [], []),
        ]
        for (inputs, timelineOptions, tablesOptions) in runs {
            let single = TestSupport.run(roamcap, ["tables"] + inputs + tablesOptions + ["--format", "json"])
            #expect(single.status == 0 && single.stdout.contains("\"event\""))
            #expect(TestSupport.run(roamcap, ["timeline"] + inputs + timelineOptions + ["--shards", "5", "-o", dir + "/tl.json",
                                                                                      "--force"]).status == 0)
            let parts = (1...5).map { k in
                let part = dir + "/t\(k).json"
                let r = TestSupport.run(roamcap, ["tables"] + inputs + tablesOptions + ["--timeline", dir + "/tl.json", "--shard",
                                                                                        "\(k)/5", "-o", part, "--force"])
                #expect(r.status == 0, "\(r.stderr)")
                return part
            }
            #expect(TestSupport.run(roamcap, ["combine"] + parts + ["--format", "json"]).stdout == single.stdout,
                    "\(inputs) \(tablesOptions)")
            let ndjson = TestSupport.run(roamcap, ["tables"] + inputs + tablesOptions + ["--format", "ndjson"])
            #expect(TestSupport.run(roamcap, ["combine"] + parts + ["--format", "ndjson"]).stdout == ndjson.stdout)
        }
        // What a tables shard cannot do, and a timeline made with other table settings.
        for (extra, message) in [(["--at", "10"], "--at is for single runs"), (["--mac", "02:00:00:00:00:07"], "--mac"),
                                 (["--duplicate-moves", "3"], "the table settings")] {
            // (The last timeline made above is the flapping scenario's.)
            let r = TestSupport.run(roamcap, ["tables", flapping, "--topology", flappingTopology, "--timeline", dir + "/tl.json",
                                              "--shard", "1/5", "-o", dir + "/x.json"] + extra)
            #expect(r.status == 2 && r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
    }

    @Test func timelinePrintsTheShardsAndTheMoves() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let r = TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "2", "-o", dir + "/tl.json"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("2328 frames, 7 stations, 3 migrations"))
        #expect(r.stdout.contains("2/2    1165–2328"))
        #expect(r.stdout.contains("02:00:00:00:00:07  10    A/p1 → C/p1  790"))
        let j = TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "2", "-o", dir + "/tl.json",
                                          "--force", "--format", "json"])
        #expect(j.stdout.contains("\"firstFrame\" : 1165") || j.stdout.contains("\"firstFrame\": 1165"))
    }

    @Test func combineRefusesPartialOrMixedRuns() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let parts = runShards(3, dir: dir)
        let missing = TestSupport.run(roamcap, ["combine", parts[0], parts[2]])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing shard 2 of 3"))
        let twice = TestSupport.run(roamcap, ["combine", parts[0], parts[1], parts[2], parts[1]])
        #expect(twice.status == 2 && twice.stderr.contains("shard 2/3 is given twice"))
        // Parts of another timeline (other shards) and of other options.
        let other = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(other) }
        let otherParts = runShards(2, dir: other)
        let mixed = TestSupport.run(roamcap, ["combine", parts[0], parts[1], otherParts[1]])
        #expect(mixed.status == 2 && mixed.stderr.contains("from timeline"))
        let r = TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--timeline", dir + "/tl.json",
                                          "--shard", "2/3", "--policy", "flood", "-o", dir + "/flood2.json"])
        #expect(r.status == 0)
        let options = TestSupport.run(roamcap, ["combine", parts[0], dir + "/flood2.json", parts[2]])
        #expect(options.status == 2 && options.stderr.contains("is a part of another run"))
        let garbage = dir + "/garbage.json"
        _ = TestSupport.run("/bin/sh", ["-c", "echo '{\"format\": 3}' > \(garbage)"])
        let bad = TestSupport.run(roamcap, ["combine", garbage])
        #expect(bad.status == 2 && bad.stderr.contains("garbage.json: not a roamcap part"))
    }

    @Test func shardsRefuseATimelineThatDoesNotFit() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        _ = runShards(2, dir: dir)
        func shard(_ args: [String]) -> TestSupport.Result {
            TestSupport.run(roamcap, ["simulate"] + args + ["--timeline", dir + "/tl.json", "-o", dir + "/x.json"])
        }
        let flapping = TestSupport.root + "/fixtures/scenarios/flapping.pcapng"
        let cases: [([String], String)] = [
            ([trace, "--topology", topology, "--shard", "1/3"], "the timeline has 2 shards"),
            ([flapping, "--topology", topology, "--shard", "1/2"], "another file, or it changed"),
            ([trace, "--shard", "1/2"], "give the same --topology"),
            ([trace, "--topology", topology, "--shard", "1/2", "--aging", "10s"], "make the timeline with the same options"),
            ([trace, "--topology", topology, "--shard", "1/2", "--read-filter", "arp"], "--read-filter"),
            ([trace, "--topology", topology, "--shard", "1/2", "-c", "10"], "cannot be sharded"),
            ([trace, "--topology", topology, "--shard", "3/2"], "--shard must be K/N"),
            ([trace, "--topology", topology, "--shard", "x"], "--shard must be K/N"),
        ]
        for (args, message) in cases {
            let r = shard(args)
            #expect(r.status == 2, "\(args)")
            // One line (a usage mistake adds the usual pointer to --help).
            #expect(r.stderr.split(separator: "\n").first?.contains(message) == true, "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal") && !r.stderr.contains("Stack"), "\(args): \(r.stderr)")
        }
        #expect(!TestSupport.fileExists(dir + "/x.json"))
        let stdin = TestSupport.run(roamcap, ["timeline", "-", "-o", dir + "/t2.json"], stdin: "")
        #expect(stdin.status == 2 && stdin.stderr.contains("cannot read standard input"))
        let notTimeline = TestSupport.run(roamcap, ["simulate", trace, "--timeline", trace, "--shard", "1/1", "-o", dir + "/y.json"])
        #expect(notTimeline.status == 2 && notTimeline.stderr.contains("not a roamcap timeline"))
    }
}
