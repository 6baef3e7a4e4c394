import CaptureFile
import Foundation
import PacketWire
@testable import RoamcapKit
import Testing

/// Sharded flows (SPEC §9): `timeline` + `flows --shard` + `combine` report exactly the flows
/// of a single `flows` run, with and without a policy, wherever the shards are cut.
@Suite struct ShardedFlowsTests {
    typealias Case = ShardedSimulateTests.Case

    /// What is asked of flows: its settings and the policy replayed.
    struct Ask: CustomStringConvertible {
        var settings = FlowSettings()
        var policy: FabricPolicy?
        var description: String { "policy \(policy?.rawValue ?? "none"), idle \(settings.idleTimeout) ns" }
    }

    /// Without a policy, under each policy, and with 1 s idle timeouts (flows end and start
    /// again inside shards and across their boundaries).
    static let asks: [Ask] = [Ask()] + FabricPolicy.allCases.map { Ask(policy: $0) }
        + [Ask(settings: FlowSettings(tcpIdleTimeout: 1_000_000_000, idleTimeout: 1_000_000_000, closeDelay: 500_000_000))]

    func single(_ c: Case, _ ask: Ask, selection: PacketSelection? = nil) throws -> String {
        let topology = try c.topology.map { try Topology.load(path: $0) }
        let analysis = try analyzeFlows(inputs: c.inputs, topology: topology, settings: ask.settings, selection: selection,
                                        reading: ReadOptions(endsAtFirstError: true),
                                        policy: ask.policy.map { FlowPolicyReplay(policy: $0, settings: c.settings) })
        return try flowsOutcome(analysis, request: FlowsRequest(inputs: c.inputs)).json.pretty()
    }

    /// The timeline of `c` cut before the frames `boundaries` (+1), written and read back.
    func timeline(_ c: Case, boundaries: [Int]? = nil, shards: Int? = nil, selection: PacketSelection? = nil,
                  dir: String) throws -> Timeline {
        let topology = try c.topology.map { try Topology.load(path: $0) }
        var request = TimelineRequest(inputs: c.inputs, topology: topology, topologyDigest: c.topology.flatMap(fileDigest(path:)),
                                      shards: shards, settings: c.settings, readFilter: selection?.readFilter, reading: ReadOptions())
        request.boundaries = boundaries
        try writeShardFile(try makeTimeline(request).encoded(), to: dir + "/tl.json", force: true, inputs: [])
        return try Timeline.load(path: dir + "/tl.json")
    }

    /// The combined flows of every shard of `timeline`, the parts given in reverse order.
    func sharded(_ c: Case, _ ask: Ask, timeline: Timeline, selection: PacketSelection? = nil, dir: String) throws -> String {
        let paths = try parts(c, ask, timeline: timeline, selection: selection, dir: dir)
        return try #require(try combineParts(paths: paths.reversed()).flows).json.pretty()
    }

    /// Every shard's part of `timeline`.
    func parts(_ c: Case, _ ask: Ask, timeline: Timeline, selection: PacketSelection? = nil, dir: String) throws -> [String] {
        let topology = try c.topology.map { try Topology.load(path: $0) }
        var paths: [String] = []
        for k in 1...timeline.shards.count {
            let path = dir + "/part\(k)"
            let output = try OutputFile(path: path, compressed: true, force: true)
            _ = try flowsShard(inputs: c.inputs, topology: topology, topologyDigest: c.topology.flatMap(fileDigest(path:)),
                               settings: ask.settings, policy: ask.policy.map { FlowPolicyReplay(policy: $0, settings: c.settings) },
                               reading: ReadOptions(endsAtFirstError: true), selection: selection, top: nil, outagesOnly: false,
                               request: ShardRequest(timeline: timeline, shard: k, shards: timeline.shards.count), output: output)
            paths.append(path)
        }
        return paths
    }

    /// A part whose frame says an outcome no policy has is refused, naming the part and frame.
    @Test func aPartWithAnUnknownOutcomeIsRefused() throws {
        let c = ShardedSimulateTests.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let paths = try parts(c, Ask(policy: .igpOnly), timeline: try timeline(c, shards: 2, dir: dir), dir: dir)
        // Part 2 again, its 10th frame's outcome changed.
        let reader = try CaptureReader(path: paths[1])
        let writer = PcapngWriter(output: try OutputFile(path: dir + "/bad", compressed: true, force: true))
        var frames = 0
        while let record = try reader.next() {
            switch record {
            case .section(let section): try writer.beginSection(section)
            case .interface(let interface): try writer.addInterface(interface)
            case .packet(var packet):
                frames += 1
                var options = packet.decodedOptions
                if frames == 10 { options = [BlockOption(code: BlockOption.commentCode, string: "roamcap-outcome lost-in-space")] }
                packet.options = UnsafeRawBufferPointer(start: nil, count: 0)
                try writer.write(packet, interfaceID: packet.interface, keepTicks: false, extraOptions: options)
            case .other: break
            }
        }
        try writer.output.commit()
        #expect(try combineParts(paths: [paths[0], paths[1]]).flows != nil)
        #expect(throws: TimelineError.self) { try combineParts(paths: [paths[0], dir + "/bad"]) }
        do {
            _ = try combineParts(paths: [paths[0], dir + "/bad"])
        } catch {
            #expect(error.description.contains(dir + "/bad") && error.description.contains("lost-in-space"), "\(error)")
        }
    }

    @Test(arguments: ShardedSimulateTests.cases.map(\.name))
    func equalShardsGiveTheSingleRun(_ name: String) throws {
        let c = ShardedSimulateTests.cases.first { $0.name == name }!
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let expected = try Self.asks.map { try single(c, $0) }
        for n in [1, 2, 3, 7] {
            let timeline = try timeline(c, shards: n, dir: dir)
            #expect(timeline.shards.count == n)
            for (ask, json) in zip(Self.asks, expected) {
                #expect(try sharded(c, ask, timeline: timeline, dir: dir) == json, "\(name), \(n) shards, \(ask)")
            }
        }
    }

    /// Shards cut at every migration's frame, one and two before: the move's first frame at
    /// its new site is the last of a shard, the first of one, or the second.
    @Test(arguments: ShardedSimulateTests.cases.map(\.name))
    func cutsAtEveryMigrationGiveTheSingleRun(_ name: String) throws {
        let c = ShardedSimulateTests.cases.first { $0.name == name }!
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let topology = try c.topology.map { try Topology.load(path: $0) }
        let truth = try runGroundTruthPass(inputs: c.inputs, topology: topology, options: FabricOptions(settings: c.settings),
                                           readFilter: nil)
        #expect(!truth.truth.migrations.isEmpty)
        let asks = [Ask(), Ask(policy: .floodConfirmed)]
        let expected = try asks.map { try single(c, $0) }
        for delta in [-2, -1, 0] {
            let cuts = Set(truth.truth.migrations.map { $0.packet + delta }.filter { $0 > 0 && $0 < truth.frames }).sorted()
            let timeline = try timeline(c, boundaries: cuts, dir: dir)
            for (ask, json) in zip(asks, expected) {
                #expect(try sharded(c, ask, timeline: timeline, dir: dir) == json, "\(name), cut at migrations \(delta), \(ask)")
            }
        }
    }

    /// With 7 shards, flows run through three shards and more: the combined flow is one flow,
    /// with the counters, TCP state and outages of the single run.
    @Test func flowsSpanningThreeShardsAreOneFlow() throws {
        let c = ShardedSimulateTests.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let timeline = try timeline(c, shards: 7, dir: dir)
        let analysis = try analyzeFlows(inputs: c.inputs, topology: try c.topology.map { try Topology.load(path: $0) })
        let starts = timeline.shards.compactMap(\.from)
        // A flow whose first frame is in shard 1 and whose last is in shard 3 or later.
        let spanning = analysis.flows.filter { $0.flow.first < starts[1] && starts[2] <= $0.flow.last }
        #expect(!spanning.isEmpty)
        #expect(spanning.contains { !$0.flow.outages.isEmpty } || spanning.contains { $0.flow.connectionState == "SF" })
        let combined = try sharded(c, Ask(), timeline: timeline, dir: dir)
        #expect(combined == (try single(c, Ask())))
        for record in spanning { #expect(combined.contains(record.flow.uid)) }
    }

    /// A display filter, a read filter and a time window select the same frames in every shard.
    @Test func filtersSelectTheSameInShards() throws {
        let c = ShardedSimulateTests.cases[0]
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let selection = try PacketSelection(filter: "tcp or arp", strictVLAN: false, from: TimeBound("2"),
                                            until: TimeBound("21"), count: nil, readFilter: "not udp port 53")
        let timeline = try timeline(c, shards: 5, selection: selection, dir: dir)
        for ask in [Ask(), Ask(policy: .flood)] {
            #expect(try sharded(c, ask, timeline: timeline, selection: selection, dir: dir) == (try single(c, ask, selection: selection)))
        }
    }

    /// A shard keeps of each frame only the headers the flow table reads
    /// (`DecodedPacket.flowHeadersLength`). On every capture of the corpus and every real
    /// capture, flows over the frames cut to their headers are the flows of the whole frames.
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func framesCutToTheirFlowHeadersGiveTheSameFlows() throws {
        let corpus = try #require(TestSupport.corpus)
        let real = TestSupport.root + "/../shared/real"
        let files = (try FileManager.default.contentsOfDirectory(atPath: corpus)).map { corpus + "/" + $0 }
            + ((try? FileManager.default.contentsOfDirectory(atPath: real)) ?? []).map { real + "/" + $0 }
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        var compared = 0, cut = 0
        var differences: [String] = []
        for path in files.sorted() where !path.hasSuffix(".md") && !path.hasSuffix(".tsv") {
            guard let whole = try? analyzeFlows(inputs: [path], topology: nil), whole.pass.skippedErrors.isEmpty else { continue }
            // Named as the whole capture: the default topology names sites after their files.
            let short = dir + "/" + (path as NSString).lastPathComponent
            guard let written = try? writeFlowHeaders(of: path, to: short) else { continue }
            cut += written
            let flows = try analyzeFlows(inputs: [short], topology: nil)
            TestSupport.removeTree(short)
            let a = JSONValue.array(whole.flows.map { $0.json(whole.topology) }).rendered()
            let b = JSONValue.array(flows.flows.map { $0.json(flows.topology) }).rendered()
            if a != b { differences.append(path) }
            compared += 1
        }
        #expect(compared > 600)
        #expect(cut > 1_000, "frames actually cut")
        #expect(differences.isEmpty, "\(differences.prefix(10))")
    }

    /// Writes the packets of `path` cut to their flow headers (pcapng, ns); returns how many
    /// were cut.
    func writeFlowHeaders(of path: String, to output: String) throws -> Int {
        let reader = try CaptureReader(path: path)
        let writer = PcapngWriter(output: try OutputFile(path: output, compressed: false, force: true))
        try writer.beginSection(SectionHeader())
        var decoders: [PacketDecoder] = []
        var decoded = DecodedPacket()
        var cut = 0
        while let packet = try reader.nextPacket() {
            // Every interface, in the original order (the default topology names sites by it).
            while decoders.count <= packet.interface {
                let linkType = reader.linkType(ofInterface: decoders.count)
                try writer.addInterface(InterfaceDescription(
                    linkType: linkType, snapLength: 0,
                    options: [BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                    timestampResolution: 9))
                decoders.append(PacketDecoder(linkType: LinkType(rawValue: linkType)))
            }
            decoders[packet.interface].decode(packet.data, into: &decoded)
            let kept = decoded.flowHeadersLength
            if kept < packet.data.count { cut += 1 }
            let short = Packet(timestamp: packet.timestamp, interface: 0, originalLength: packet.originalLength,
                               data: UnsafeRawBufferPointer(rebasing: packet.data[..<kept]))
            try writer.write(short, interfaceID: packet.interface, keepTicks: false)
        }
        try writer.output.commit()
        return cut
    }
}

/// The command line of sharded flows: the shard and combine commands, and their refusals.
@Suite struct ShardedFlowsCommandLineTests {
    let roamcap = TestSupport.binary
    let trace = TestSupport.root + "/fixtures/scenarios/three-site.pcapng"
    let topology = TestSupport.root + "/fixtures/scenarios/three-site.topology.yaml"

    func flows(_ args: [String]) -> TestSupport.Result {
        TestSupport.run(roamcap, ["flows", trace, "--topology", topology] + args)
    }

    @Test func combinePrintsTheSingleRunInEveryFormat() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "3", "-o", dir + "/tl"]).status == 0)
        for extra in [[], ["--policy", "flood", "--outages-only"], ["--top", "4", "--idle-timeout", "2s"]] {
            var parts: [String] = []
            for k in 1...3 {
                let r = flows(extra + ["--timeline", dir + "/tl", "--shard", "\(k)/3", "-o", dir + "/p\(k)", "--force"])
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout.isEmpty)
                parts.append(dir + "/p\(k)")
            }
            for format in [["json"], ["ndjson"], ["csv"], ["table"], ["table", "--relative"]] {
                let single = flows(extra + ["--format"] + format)
                let combined = TestSupport.run(roamcap, ["combine"] + parts + ["--format"] + format)
                #expect(combined.status == 0, "\(combined.stderr)")
                #expect(combined.stdout == single.stdout, "\(extra) \(format)")
            }
        }
    }

    /// A timeline made with --aging (the fabric's and the tables'): flows still tie outages to
    /// the moves of the tables' default aging, as a single flows run does.
    @Test func fabricAgingShardsGiveTheSingleRun() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let options = ["--policy", "flood-confirmed", "--aging", "2s"]
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "4", "--aging", "2s",
                                          "-o", dir + "/tl"]).status == 0)
        for k in 1...4 {
            #expect(flows(options + ["--timeline", dir + "/tl", "--shard", "\(k)/4", "-o", dir + "/p\(k)"]).status == 0)
        }
        let combined = TestSupport.run(roamcap, ["combine"] + (1...4).map { dir + "/p\($0)" } + ["--format", "json"])
        let single = flows(options + ["--format", "json"])
        #expect(single.stdout.contains("\"migration\""))
        #expect(combined.stdout == single.stdout)
    }

    /// The table engine learns the stations inside VXLAN: tables and flows shards decode VXLAN
    /// on the timeline's ports, and refuse others.
    @Test func vxlanPortsAreTheTimelines() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        SampleTraces.writeVXLANOn8472(dir + "/t.pcapng")
        let trace = dir + "/t.pcapng"
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--shards", "2", "-o", dir + "/tl"]).status == 0)
        for command in ["tables", "flows"] {
            let r = TestSupport.run(roamcap, [command, trace, "--vxlan-port", "8472", "--timeline", dir + "/tl", "--shard", "1/2",
                                              "-o", dir + "/p"])
            #expect(r.status == 2 && r.stderr.contains("--vxlan-port 4789"), "\(command): \(r.stderr)")
        }
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--shards", "2", "--vxlan-port", "8472", "-o", dir + "/tl8472"])
            .status == 0)
        for command in ["tables", "flows"] {
            for k in 1...2 {
                let r = TestSupport.run(roamcap, [command, trace, "--vxlan-port", "8472", "--timeline", dir + "/tl8472",
                                                  "--shard", "\(k)/2", "-o", dir + "/\(command)\(k)", "--force"])
                #expect(r.status == 0, "\(r.stderr)")
            }
            let combined = TestSupport.run(roamcap, ["combine", dir + "/\(command)1", dir + "/\(command)2", "--format", "json"])
            let single = TestSupport.run(roamcap, [command, trace, "--vxlan-port", "8472", "--format", "json"])
            #expect(combined.stdout == single.stdout, "\(command)")
            #expect(single.stdout.contains("300"), "\(command): the VNI's station or flow")
        }
    }

    @Test func shardsAndCombineRefuseWhatDoesNotFit() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "2", "-o", dir + "/tl"]).status == 0)
        #expect(TestSupport.run(roamcap, ["timeline", trace, "--topology", topology, "--shards", "2", "--aging", "30",
                                          "-o", dir + "/tl-aging"]).status == 0)
        func refused(_ args: [String], _ words: String) {
            let r = flows(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(words), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let shard = ["--timeline", dir + "/tl", "--shard", "1/2"]
        refused(shard, "-o PART")
        refused(shard + ["-o", dir + "/p", "--uid", "CAAAAAAAAAAA"], "--uid")
        refused(shard + ["-o", dir + "/p", "--learn"], "single runs")
        refused(shard + ["-o", dir + "/p", "--policy", "flood,ideal"], "one policy")
        refused(shard + ["-o", dir + "/p", "-c", "10"], "-c/--count")
        let stdin = TestSupport.run(roamcap, ["flows", "-", "--topology", topology] + shard + ["-o", dir + "/p"])
        #expect(stdin.status == 2 && stdin.stderr.contains("standard input"), "\(stdin.stderr)")
        refused(["--timeline", dir + "/tl-aging", "--shard", "1/2", "-o", dir + "/p", "--policy", "flood"], "fabric settings")
        // A part cut short, a part of another command, a missing shard.
        #expect(flows(shard + ["-o", dir + "/p1"]).status == 0)
        #expect(flows(["--timeline", dir + "/tl", "--shard", "2/2", "-o", dir + "/p2"]).status == 0)
        #expect(TestSupport.run(roamcap, ["simulate", trace, "--topology", topology, "--timeline", dir + "/tl",
                                          "--shard", "2/2", "-o", dir + "/s2"]).status == 0)
        let whole = TestSupport.readFile(dir + "/p2")
        TestSupport.writeFile(dir + "/p2-short", Array(whole.prefix(whole.count / 2)))
        for (parts, words) in [([dir + "/p1"], "missing shard 2"), ([dir + "/p1", dir + "/s2"], "another run"),
                               ([dir + "/p1", dir + "/p2-short"], "p2-short")] {
            let r = TestSupport.run(roamcap, ["combine"] + parts)
            #expect(r.status == 2, "\(parts)")
            #expect(r.stderr.contains(words), "\(parts): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
