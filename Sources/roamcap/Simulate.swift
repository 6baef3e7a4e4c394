import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the cross-site fabric over the packets under several policies and report what each lost.",
            discussion: """
            Sites joined at layer 2 by an overlay (EVI, OTV, EVPN), one edge device each (SPEC \
            §2). Every frame captured on an access port (mapped by --topology; without one each \
            capture interface is a site) enters its site's edge device, which learns its source \
            (local entries age out after --aging), snoops ARP, and forwards it by its \
            destination's entry: local(port), remote(site) over the core, or flood to every other \
            site; unknown unicast is flooded or dropped (--unknown-unicast). A new or moved MAC \
            is advertised to the other sites after --advertise-delay (per site in the topology).

            Policies (--policy, comma-separated, compared side by side; default all): igp-only \
            (advertisements only), flood (the new site makes every other one install a flood \
            entry at once), flood-confirmed (only a site that snooped the same IP and MAC before \
            installs it, so third sites keep their stale entry until the advertisement), ideal \
            (every delay 0: the lower bound).

            Each unicast frame is judged against the ground truth (where its destination's \
            latest frame was): delivered, misdelivered, dropped (stale-local, stale-remote, \
            flood-at-core, unknown-drop) or inTransit (sent while the destination was between \
            two places). excessCopies counts flooded core copies that reached a site where the \
            destination is not. Every migration (a MAC's first frame at another site) is listed \
            with the frames to it lost until its next migration and the outage (to the last of \
            them).

            --format json: {"policies": [{"policy", "frames", "delivered", "misdelivered", \
            "dropped": {"stale-local", "stale-remote", "flood-at-core", "unknown-drop"}, \
            "inTransit", "excessCopies", "migrations": [{"mac", "vlan", "from": {"site", "port"}, \
            "to": {"site", "port"}, "time", "packet", "lostFrames", "outageSeconds"}]}]}.

            -o writes the forwarded trace of one policy (--trace-policy, default the first) as \
            pcapng: one interface per egress (A/p1 access ports, A/core core links, A/drop for \
            frames an edge device dropped itself), every copy where the fabric sent it, annotated \
            with the frame's outcome as a comment (tshark -Y 'frame.comment contains \
            "flood-at-core"'), the input packet number (epb_packetid) and, for discarded copies, \
            a verdict. --decisions writes one JSON object per judged frame and policy.

            --control-plane captured adds the run "what did happen" after the policies (JSON: \
            an entry "policy": "captured"; a captured column in the table), SPEC §8: the \
            advertisements are not assumed after --advertise-delay but taken from the BGP EVPN \
            sessions (TCP 179, --bgp-port) and BMP feeds (11019, --bmp-port) in the capture, \
            read on every interface, each applied at the capture time of the segment that \
            completes its UPDATE. A MAC/IP route is attributed to a site by the topology's \
            'evpn' entries (next hop, then RD; unattributed routes are not applied, with a \
            warning) and to a VLAN by 'evpn-vnis'. RFC 7432 §15 decides who wins: an \
            advertisement from site S with MAC Mobility sequence number q (0 without it) \
            replaces, at every other edge device, a flood entry, a remote entry with a lower \
            sequence number (or an equal one from another site) and a local entry whose own \
            site was captured advertising a lower one; a withdrawal from S removes remote(S). \
            A migration with no advertisement from its new site captured after it keeps its \
            stale entries and is flagged "unadvertised": true.

            The inputs are read twice (ground truth, then simulation), so standard input is not \
            accepted.
            """)

        @Argument(help: ArgumentHelp("Capture files.", valueName: "input"), completion: .file())
        var inputs: [String]

        @Option(name: .long, help: ArgumentHelp("Topology file (YAML): sites, ports, control plane.", valueName: "file"), completion: .file())
        var topology: String?

        @OptionGroup var fabric: FabricPolicyOptions

        @Option(name: .long, help: ArgumentHelp(
            "assumed (advertisements after --advertise-delay) or captured (also replay the BGP EVPN of the capture).",
            valueName: "source"))
        var controlPlane: ControlPlaneSource = .assumed

        @OptionGroup var controlPlanePorts: ControlPlaneOptions

        @Option(name: [.short, .long], help: ArgumentHelp("Write the forwarded trace (pcapng) here.", valueName: "file"), completion: .file())
        var output: String?

        @Option(name: .long, help: ArgumentHelp("The policy whose forwarded trace -o writes (default: the first).",
                                                valueName: "policy"), completion: .list(FabricPolicy.allCases.map(\.rawValue)))
        var tracePolicy: String?

        @Option(name: .long, help: ArgumentHelp("Log every decision here (NDJSON).", valueName: "file"), completion: .file())
        var decisions: String?

        @OptionGroup var writing: TraceWritingOptions
        @OptionGroup var report: ReportOptions
        @OptionGroup var tableLayout: TableLayoutOptions
        @OptionGroup var selection: SelectionOptions
        @OptionGroup var reading: ReadFilterOptions
        @OptionGroup var decoding: DecodingOptions
        @OptionGroup var sharding: ShardOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("simulate needs at least one input") }
            if tracePolicy != nil && output == nil {
                throw ValidationError("--trace-policy chooses the policy whose forwarded trace -o writes; give -o FILE")
            }
            warnAboutUndecodedLinkTypes(inputs)
        }

        func request() -> SimulateRequest {
            var request = SimulateRequest(inputs: inputs, topology: topology)
            request.policies = fabric.policies
            request.settings = fabric.settings
            request.controlPlane = controlPlane
            request.controlPlanePorts = controlPlanePorts.settings
            request.output = output
            request.tracePolicy = tracePolicy
            request.decisions = decisions
            request.compression = writing.compress
            request.outputFormat = writing.outputFormat
            request.force = writing.force
            request.selection = selection.request(readFilter: reading.readFilter, decoding: decoding)
            return request
        }

        func run() throws {
            if let shard = try sharding.request() { return try runShard(shard) }
            let progress = ProgressLine(label: "simulate")
            let outcome = try runSimulation(request(), progress: progress.advance)
            progress.finish()
            reading.note(command: "the fabric")
            warn(outcome.warnings)
            // What was read before an unreadable record is reported, then the error (exit 2).
            defer { if let error = outcome.endingError { Roamcap.fail(error.description) } }
            let layout = tableLayout.layout(first: outcome.report.firstTime)
            ReportDestination(streams: [output, decisions]).write(outcome.rendered(report.format, layout: layout, trace: output))
        }
    }
}
