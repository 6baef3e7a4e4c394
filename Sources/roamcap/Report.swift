import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct PostmortemReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The postmortem in one self-contained HTML page: captures, a timeline of moves and outages, policies, tables.",
            discussion: """
            Runs 'roamcap info', 'tables', 'simulate' (with --topology) and 'flows' (no policy) on \
            the same inputs, topology, policies and migration NAT table, and writes one HTML file \
            that needs nothing else: no script, style, font or image is fetched, it opens from \
            disk, offline, and prints (SPEC §7).

            The page shows the captures and their time span; one zoomable time axis (wheel or \
            buttons to zoom, drag to pan) with each moved station's places over time, its \
            migrations and moves, under each policy the frames it lost after each migration, the \
            number of flows in an outage per time bucket, and the worst flows' outage windows; the \
            outages of every affected flow, worst first, with their causes and migrations; the \
            policies side by side; where each station was and the ARP/ND bindings at an instant \
            clicked on the timeline (or given as #t=SECONDS at the end of the page's address), \
            rebuilt from the events; the table events. Tables sort on a click on a column and filter as you type.

            The data behind the page is embedded once as <script type="application/json" \
            id="roamcap-report">, holding {"info": [...], "events": [...], "simulate": {...} or \
            null, "flows": [...]}: exactly 'info --format json', 'tables --format ndjson' as an \
            array, 'simulate --format json' (null without a topology) and 'flows --format json' \
            for the same inputs. On large traces the page stays small: the worst --top-flows \
            flows are embedded and listed (as 'flows --top N'), at most --max-events events are \
            embedded, activity is aggregated per time bucket, and the page says what was left out.

            Examples:
              roamcap report three-site.pcapng --topology three-site.topology.yaml -o report.html
              roamcap report a.pcapng b.pcapng --topology t.yaml --policy flood,ideal -o pm.html
              roamcap report s1.pcapng --notifications moves.ndjson -o s1.html
            """)

        @Argument(help: ArgumentHelp("Capture files.", valueName: "input"))
        var inputs: [String]

        @Option(name: [.short, .long], help: ArgumentHelp("The HTML file to write.", valueName: "file"))
        var output: String

        @Option(name: .long, help: ArgumentHelp(
            "Topology file (YAML): sites and ports; without it there is no simulation.", valueName: "file"))
        var topology: String?

        @Option(name: .long, help: ArgumentHelp("Flows embedded and listed, worst first.", valueName: "n"))
        var topFlows: Int = 500

        @Option(name: .long, help: ArgumentHelp("Table events embedded, in time order.", valueName: "n"))
        var maxEvents: Int = 20_000

        @Flag(name: .long, help: "Overwrite the output file if it exists.")
        var force = false

        @Flag(name: .long, help: "Skip unreadable records instead of failing.")
        var keepGoing = false

        @OptionGroup(title: "Migration NAT") var nat: MigrationTableOptions
        @OptionGroup var fabric: FabricPolicyOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("report needs at least one input") }
            if inputs.contains("-") { throw ValidationError("report reads its inputs several times and cannot read standard input") }
            if output == "-" { throw ValidationError("report writes a file (-o FILE), not standard output") }
            if topFlows < 0 { throw ValidationError("--top-flows must be 0 or more, not \(topFlows)") }
            if maxEvents < 0 { throw ValidationError("--max-events must be 0 or more, not \(maxEvents)") }
        }

        func run() throws {
            var topo: Topology?
            if let topology {
                do { topo = try Topology.load(path: topology) } catch { throw RoamcapFailure(message: error.description) }
            }
            let (policies, settings) = (fabric.policies, fabric.settings)
            if topo == nil && !fabric.policy.isEmpty {
                throw RoamcapFailure(message: "--policy needs --topology (the fabric is simulated on its sites)")
            }
            try fabric.checkSites(in: topo, file: topology)
            var options = PostmortemOptions()
            options.policies = policies
            options.fabricSettings = settings
            options.nat = try nat.flowNAT()
            options.reading.keepGoing = keepGoing
            options.topFlows = topFlows
            options.maximumEvents = maxEvents
            let postmortem = try buildPostmortem(inputs: inputs, topology: topo, options: options)
            let page = PostmortemPage(postmortem).rendered()
            let out = try OutputFile(path: output, compressed: false, force: force, inputs: inputs + [topology].compactMap { $0 },
                                     brokenPipe: .endsRunQuietly)
            try out.write(Array(page.utf8))
            try out.commit()
        }
    }
}
