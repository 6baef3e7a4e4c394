import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct TimelineCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "timeline",
            abstract: "Pass 1 of a sharded run: the control-plane timeline of the inputs and the plan of their shards.",
            discussion: """
            A trace set too large for one machine is processed in shards, on any scheduler, with \
            results equal to a single run (SPEC §9): this command (pass 1), then one \
            'simulate', 'flows' or 'tables --timeline TL --shard K/N -o PART' per shard, anywhere the \
            inputs can be read, then 'roamcap combine PART...'. The reference driver on Dask is in \
            integrations/dask/.

            The timeline holds the ground truth (every station's places and their times, the \
            migrations) and, at the start of each shard, where every input stands (the byte offset \
            of its next record, with the header blocks before it) and the edge devices' tables under \
            every policy (entries with their ages, ARP snooping, advertisements on their way), so a \
            shard reads only its own frames. Its size grows with stations, moves and shards, not \
            with packets. Shards are equal numbers of frames in time order; --shards defaults to \
            one per 256 MiB of input.

            The fabric settings (--advertise-delay, --aging, --unknown-unicast), the topology and \
            --read-filter are those of the shards, which refuse a timeline made with others. With \
            --control-plane captured the advertisements of the capture's BGP EVPN sessions (SPEC §8) \
            are kept too, for 'simulate --control-plane captured' shards. \
            The timeline also holds the table engine's events (stations, moves, bindings, agings, \
            EVPN routes: tables' control-plane facts), each with the frame that reported it, for \
            'tables --timeline TL --shard K/N -o PART'; --aging is the fabric's and the tables' \
            both, and --duplicate-moves, --duplicate-window and --duplicate-ip-window are the tables'; \
            the tables learn the stations inside VXLAN, so --vxlan-port must be the tables' and flows' \
            shards' too. \
            It also keeps the migrations and moves that 'flows' ties outages to (those of the table \
            engine's default settings, as a single flows run finds them). \
            Compressed inputs are decompressed from their start by every shard (a compressed stream \
            cannot be entered in the middle); plain files are entered at the offset.

            The timeline goes to -o; standard output gets its summary: the shards and every \
            migration (time, MAC, VLAN, from → to), the short story of what moved when \
            (--format json: {"timeline", "inputs", "frames", "stations", "shards": [{"shard", \
            "firstFrame", "frames", "from", "offsets"}], "migrations": [{"mac", "vlan", "from", "to", "time", \
            "packet"}]}).
            """)

        @Argument(help: ArgumentHelp("Capture files (not standard input).", valueName: "input"), completion: .file())
        var inputs: [String]

        @Option(name: .long, help: ArgumentHelp("Topology file (YAML): sites, ports, control plane.", valueName: "file"), completion: .file())
        var topology: String?

        @Option(name: .long, help: ArgumentHelp("How many shards (default: one per 256 MiB of input).", valueName: "n"))
        var shards: Int?

        @OptionGroup var fabric: FabricPolicyOptions
        @OptionGroup var reading: ReadFilterOptions

        @Option(name: .long, help: ArgumentHelp(
            "assumed, or captured: keep the BGP EVPN advertisements of the capture for 'simulate --control-plane captured'.",
            valueName: "source"))
        var controlPlane: ControlPlaneSource = .assumed

        @OptionGroup var controlPlanePorts: ControlPlaneOptions
        @OptionGroup var tableOptions: TableDuplicateOptions
        @OptionGroup var decoding: DecodingOptions

        @Flag(name: .long, help: "Skip unreadable records instead of stopping (the shards must be run with it too).")
        var keepGoing = false

        @Option(name: [.short, .long], help: ArgumentHelp("Write the timeline here (JSON).", valueName: "file"), completion: .file())
        var output: String

        @Flag(name: .long, help: "Replace an existing output file (an input is never replaced).")
        var force = false

        @OptionGroup var report: ReportOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("timeline needs at least one input") }
            if let shards, shards < 1 || shards > 1_000_000 {
                throw ValidationError("--shards must be from 1 to 1000000, not \(shards)")
            }
            if !fabric.policy.isEmpty {
                throw ValidationError("the timeline keeps every policy's tables; choose --policy when running the shards")
            }
            if output == "-" { throw ValidationError("-o: the timeline is a file the shards read; standard output gets its summary") }
            if report.format == .csv || report.format == .ndjson {
                throw ValidationError("--format: timeline prints table or json")
            }
        }

        func request() -> TimelineRunRequest {
            var request = TimelineRunRequest(inputs: inputs, topology: topology, output: output)
            request.shards = shards
            request.settings = fabric.settings
            request.readFilter = reading.readFilter
            request.keepGoing = keepGoing
            if !decoding.vxlanPorts.isEmpty { request.vxlanPorts = decoding.vxlanPorts }
            if controlPlane == .captured { request.controlPlane = controlPlanePorts.settings }
            request.tableSettings = tableOptions.settings(aging: request.settings.aging)
            request.tablePorts = controlPlanePorts.settings
            request.force = force
            return request
        }

        func run() throws {
            let request = request()
            let progress = ProgressLine(label: "timeline")
            let timeline = try runTimeline(request, progress: progress.advance)
            progress.finish()
            reading.note(command: "the timeline")
            try writeTimeline(timeline, request: request)
            writeStandardOutput(timeline.rendered(report.format))
        }
    }

    struct Combine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the parts of a sharded run into exactly what a single run reports.",
            discussion: """
            The last step of a sharded run (SPEC §9, see 'roamcap timeline'): reads the parts that \
            'simulate', 'flows' or 'tables --timeline TL --shard K/N -o PART' wrote, checks that they come from one \
            timeline and one command with the same options and that every shard is there once \
            (naming the missing ones: nothing is combined from a partial run), adds them up \
            (counts add, each migration's lost frames add and its outage runs to the latest lost \
            frame of any shard; table events are concatenated) and prints the report a single run \
            prints, in the same format (--format json gives the same JSON, byte for byte; a tables \
            run prints json or ndjson). A flows run's parts hold the shards' frames cut to the \
            headers the flow table reads, with each frame's policy outcome: combine runs the one flow \
            table over them in shard order, so a flow cut by a boundary is followed on, with all of \
            its history (sequence numbers, duplicate ACK runs, silences), as the single run follows it.
            """)

        @Argument(help: ArgumentHelp("Parts written by the shards.", valueName: "part"), completion: .file())
        var parts: [String]

        @Option(name: [.short, .long], help: ArgumentHelp("Write the report here (default: standard output).", valueName: "file"), completion: .file())
        var output: String?

        @Flag(name: .long, help: "Replace an existing output file.")
        var force = false

        @OptionGroup var report: ReportOptions
        @OptionGroup var tableLayout: TableLayoutOptions

        func validate() throws {
            if parts.isEmpty { throw ValidationError("combine needs the parts of a sharded run") }
        }

        func run() throws {
            var request = CombineRequest(parts: parts, output: output)
            request.force = force
            let outcome = try runCombine(request)
            warn(outcome.warnings)
            let text = try outcome.rendered(report.format, layout: tableLayout.layout(first: outcome.firstTime))
            if let output { try request.write(text, to: output) } else { writeStandardOutput(text) }
            if let error = outcome.endingError { Roamcap.fail(error) }
        }
    }
}

/// `--timeline TL --shard K/N`: run one shard of a sharded run (SPEC §9).
struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Run one shard of a sharded run with this timeline (roamcap timeline); needs --shard and -o.",
        valueName: "file"), completion: .file())
    var timeline: String?

    @Option(name: .long, help: ArgumentHelp(
        "The shard to run, K of N (1-based; N must be the timeline's); -o then writes its part for roamcap combine.",
        valueName: "K/N"))
    var shard: String?

    func validate() throws {
        if (timeline == nil) != (shard == nil) { throw ValidationError("--timeline and --shard go together") }
        if let shard, ShardRequest.parse(shard) == nil {
            throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N, not '\(shard)'")
        }
    }

    /// The shard asked for, with its timeline loaded; nil for a single run.
    func request() throws -> ShardRequest? {
        guard let timeline, let shard, let (k, n) = ShardRequest.parse(shard) else { return nil }
        return try ShardRequest(timelinePath: timeline, shard: k, shards: n)
    }
}

extension Roamcap.Simulate {
    /// `simulate --timeline TL --shard K/N -o PART`.
    func runShard(_ shard: ShardRequest) throws {
        let progress = ProgressLine(label: "simulate \(shard.shard)/\(shard.shards)")
        let outcome = try runSimulateShard(request(), shard: shard, progress: progress.advance)
        progress.finish()
        if let error = outcome.endingError { Roamcap.fail(error) }
    }
}

/// `-o PART` for a command that writes nothing else (tables).
struct ShardOutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("With --shard: write the shard's part here.", valueName: "file"), completion: .file())
    var output: String?

    @Flag(name: .long, help: "Replace an existing output file (an input is never replaced).")
    var force = false
}

/// The table engine's duplicate thresholds (RFC 7432 §15 for MACs, arpwatch's flip-flop for
/// IPs), for `tables` and for `timeline` (whose --aging is the fabric's and the tables' both).
struct TableDuplicateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("duplicate-mac after this many moves (RFC 7432's N).", valueName: "n"))
    var duplicateMoves: Int = 5

    @Option(name: .long, help: ArgumentHelp("…within this window (RFC 7432's M).", valueName: "duration"))
    var duplicateWindow = DurationValue("180s")!

    @Option(name: .long, help: ArgumentHelp(
        "duplicate-ip when an IP flips back to its previous MAC within this window.", valueName: "duration"))
    var duplicateIpWindow = DurationValue("180s")!

    func validate() throws {
        if duplicateMoves < 1 { throw ValidationError("--duplicate-moves must be 1 or more") }
    }

    func settings(aging: Int64?) -> TableSettings {
        TableSettings(aging: aging, duplicateMoves: duplicateMoves, duplicateWindow: duplicateWindow.nanoseconds,
                      duplicateIPWindow: duplicateIpWindow.nanoseconds)
    }
}

extension Roamcap.Tables {
    /// `tables --timeline TL --shard K/N -o PART`.
    func runShard(_ shard: ShardRequest) throws {
        _ = try runTablesShard(request(), shard: shard, output: shardOutput.output, force: shardOutput.force)
    }
}
