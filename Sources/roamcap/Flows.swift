import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Flows: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bidirectional flow records (Zeek's conn.log) with the outages the trace itself shows, tied to migrations.",
            discussion: """
            The inputs are merged in time order (ties: input order), as 'roamcap tables' merges \
            them, and every selected frame is counted in one bidirectional flow: TCP and UDP \
            by protocol, addresses and ports; ICMP echo by addresses and identifier; other \
            ICMP and IP protocols by addresses; ARP as a pseudo-flow between the sender and \
            target addresses. Flows are per segment: the outer VLAN (0 untagged), or the VNI of a \
            VXLAN-decapsulated frame (the tunnel's outer UDP flow is listed too). Later \
            fragments of an IP datagram count in the flow of the first. A new SYN on a TCP \
            connection that was closed (FIN both ways, or RST) starts a new flow.

            Flows end as Zeek's connections do: when idle for longer than --idle-timeout (by \
            default 5m for TCP, 1m for UDP, ICMP, other IP protocols and ARP: Zeek's inactivity \
            timeouts), or 5 s after their TCP connection closed (both FINs acknowledged, or a \
            RST: Zeek's close delay, so that late segments still count in it). A flow that ends \
            has its silences and unanswered SYNs and ARP requests judged then, as at the end of \
            the input, and the next packet with its key starts a new flow (with a new uid). \
            Memory holds the state of the flows that are live at once, and a small record of \
            each flow.

            Records (one a line with --format ndjson): {"proto", "src", "sport"?, "dst", \
            "dport"?, "vlan", ["segment": "vxlan"], "first", "last", "packets", "bytes", "state", \
            "lost", "misdelivered", "outages": [{"start", "end", "frames", "cause", "direction", \
            "migration"?}], "migration"?: {"mac", "from": {"site", "port"}, "to": {"site", \
            "port"}, "time", "packet"}, "srcPackets", "srcBytes", "dstPackets", "dstBytes", \
            "retransmissions", "duplicateAcks", "srcMac"?, "dstMac"?, "vlans"?, "uid"}. src is the initiator: the \
            sender of the first packet, or of the SYN for TCP. packets and bytes count both \
            directions (bytes as on the wire, as tshark's conversations do); srcPackets/srcBytes \
            and dstPackets/dstBytes split them. state is Zeek's conn_state for TCP: S0 (SYN, no \
            reply), S1 (established), SF (established, FIN both ways), REJ (SYN answered by RST), \
            S2/S3 (FIN from the initiator/responder only), RSTO/RSTR (the initiator/responder \
            reset it), RSTOS0, RSTRH, SH, SHR, OTH (no SYN seen: midstream); one-way or two-way \
            for other protocols.

            Outages are inferred from the trace alone (a postmortem of a real capture): \
            cause silence (one side sent nothing while the other kept sending for longer than \
            --silence; or, with --silence-runs, the default, in a flow whose sides take turns — \
            every run of frames answered after at most 2 — a run of 3 or more unanswered frames, \
            twice the longest answered run, lasting more than 4 times the slowest answer and 10 \
            ms: the sub-second gap of a migration in request/response traffic; the window runs \
            from the first unanswered frame to the silent side's next one, frames are the \
            frames sent into it but the last, which the silent side answered), retransmission (TCP data, SYN-ACK or FIN sent again, not \
            counting out-of-order segments within 3 ms, keep-alives, and copies of one segment \
            captured twice), duplicate-ack (TCP pure ACKs repeating the same ACK and window \
            while data from the other side is outstanding), unanswered-syn (SYNs that got no \
            SYN-ACK or RST; when one is finally answered, the earlier ones), unanswered-arp (ARP \
            requests, not gratuitous nor probes, that got no reply from the target), \
            icmp-unreachable (ICMP/ICMPv6 destination unreachable quoting a packet of the flow). \
            Events of one cause and direction closer than --silence merge into one window; \
            requests younger than --silence at the end of the input are not judged. direction \
            is forward when the traffic lost was the initiator's (src to dst), else reverse. \
            lost counts the frames inferred lost, each once: retransmissions, unanswered SYNs \
            and ARP requests, frames sent into a silence, packets quoted by an unreachable \
            (duplicate ACKs are not losses). misdelivered is 0 without a fabric policy.

            Each outage is tied to the nearest migration or move of either endpoint's MAC in the \
            flow's segment (as 'roamcap tables' reports them on the same frames, with the same \
            topology), at most --migration-window away from it; the flow's migration is that \
            of its worst outage. Flows are listed worst first: most lost frames, then most \
            frames in outages, then the longest outages; flows without outages follow in order \
            of their first packet. --top N keeps the first N, --outages-only those with an \
            outage.

            With --policy P (one of igp-only, flood, flood-confirmed, ideal; settings as for \
            'roamcap simulate': --advertise-delay, --aging, --unknown-unicast, and the \
            topology's control plane) the frames are replayed through the cross-site fabric of \
            that policy, and each flow's outages are the fabric's: every judged unicast frame \
            that was dropped (cause stale-local, stale-remote, flood-at-core or unknown-drop), \
            misdelivered (cause misdelivered) or sent to a host in transit (cause in-transit), \
            merged into windows per cause and direction and tied to the migration that caused \
            them; lost is then the flow's dropped frames and misdelivered its misdelivered ones. \
            The inputs are read twice more, so standard input is not accepted with --policy.

            uid is Zeek-like and deterministic (a hash of the flow's key and first packet), so \
            a uid found in one run selects the flow in the next: --uid U reports that flow, and \
            -o FILE with it writes the flow's packets (pcapng) for Wireshark. A routed \
            conversation whose two directions are captured on two VLANs (or VNIs) is one flow: \
            vlan is the first, vlans lists every one; the same direction seen on a second VLAN \
            (both sides of a router captured) stays a flow of its own.

            With the migration NAT's table (--notifications, --table, --learn, as for 'roamcap \
            rewrite'), flows understand the move: an address that is the post-migration address \
            of an entry active at a frame's time is keyed as that entry's primary, so a VM that \
            answers from its new address after moving continues the same flow (one flow with \
            the outage of the move, not an outage and a second, one-way flow).

            In a sharded run (SPEC §9, see 'roamcap timeline'), --timeline TL --shard K/N -o PART \
            reads, selects and decodes shard K's frames only (with --policy, replaying the fabric \
            from the tables the timeline noted at the shard's start) and writes each selected \
            frame cut to the headers the flow table reads, with its original length, time and \
            policy outcome, as a zstd-compressed pcapng part; 'roamcap combine' runs the flow table \
            over the parts in shard order and prints exactly this command's report. --uid, \
            --notifications, --table, --learn and -c are for single runs.
            """)

        @Argument(help: ArgumentHelp("Capture files ('-' for standard input, once).", valueName: "input"), completion: .file())
        var inputs: [String]

        @Option(name: .long, help: ArgumentHelp(
            "Topology file (YAML): maps capture interfaces to sites and ports for the migrations.", valueName: "file"), completion: .file())
        var topology: String?

        @Option(name: .long, help: ArgumentHelp("Print only the N worst flows.", valueName: "n"))
        var top: Int?

        @Flag(name: .long, help: "Print only flows with at least one outage.")
        var outagesOnly = false

        @Option(name: .long, help: ArgumentHelp(
            "A side silent for longer than this while the other keeps sending is an outage.", valueName: "duration"))
        var silence = DurationValue("1s")!

        @Flag(inversion: .prefixedNo, help: ArgumentHelp(
            "Also find shorter silences in flows whose sides take turns (see the description)."))
        var silenceRuns = true

        @Option(name: .long, help: ArgumentHelp(
            "Tie an outage to a migration of an endpoint at most this far from it.", valueName: "duration"))
        var migrationWindow = DurationValue("5s")!

        @Option(name: .long, help: ArgumentHelp(
            "End a flow idle for longer than this (default: 5m for TCP, 1m for the others, as Zeek; 0: never).",
            valueName: "duration"))
        var idleTimeout: DurationValue?

        @Option(name: .long, help: ArgumentHelp("Report only the flow with this uid (see the uid field).", valueName: "uid"))
        var uid: String?

        @Option(name: [.short, .long], help: ArgumentHelp(
            "With --uid: write that flow's packets here (pcapng; '-' for standard output); with --shard: the shard's part.",
            valueName: "file"))
        var output: String?

        @Flag(name: .long, help: "Overwrite the output file if it exists.")
        var force = false

        @OptionGroup(title: "Migration NAT") var nat: MigrationTableOptions
        @OptionGroup var fabric: FabricPolicyOptions
        @OptionGroup var report: ReportOptions
        @OptionGroup var tableLayout: TableLayoutOptions
        @OptionGroup var selection: SelectionOptions
        @OptionGroup var reading: ReadFilterOptions
        @OptionGroup var decoding: DecodingOptions
        @OptionGroup var sharding: ShardOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("flows needs at least one input") }
            if !fabric.policy.isEmpty && inputs.contains("-") {
                throw ValidationError("--policy reads the inputs more than once and cannot read standard input")
            }
            if inputs.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("standard input ('-') can be read only once")
            }
            if output != nil && uid == nil && sharding.shard == nil {
                throw ValidationError("-o writes one flow's packets: give its --uid (or, with --shard, the shard's part)")
            }
            if sharding.shard != nil && inputs.contains("-") {
                throw ValidationError("a shard reads its inputs at the timeline's offsets and cannot read standard input")
            }
            if output != nil && inputs.contains("-") {
                throw ValidationError("-o reads the inputs a second time and cannot read standard input")
            }
            if let top, top < 0 { throw ValidationError("--top must be 0 or more, not \(top)") }
            warnAboutUndecodedLinkTypes(inputs)
        }

        var settings: FlowSettings {
            var settings = FlowSettings(silenceThreshold: silence.nanoseconds, migrationWindow: migrationWindow.nanoseconds,
                                        silenceRuns: silenceRuns)
            if let idleTimeout {
                settings.tcpIdleTimeout = idleTimeout.nanoseconds
                settings.idleTimeout = idleTimeout.nanoseconds
            }
            return settings
        }

        func request() -> FlowsRequest {
            var request = FlowsRequest(inputs: inputs, topology: topology)
            request.settings = settings
            request.policies = fabric.policies
            request.fabricSettings = fabric.settings
            request.nat = nat.request
            request.uid = uid
            request.output = output
            request.force = force
            request.top = top
            request.outagesOnly = outagesOnly
            request.selection = selection.request(readFilter: reading.readFilter, decoding: decoding)
            return request
        }

        func run() throws {
            if let shard = try sharding.request() {
                let progress = ProgressLine(label: "flows \(shard.shard)/\(shard.shards)")
                let outcome = try runFlowsShard(request(), shard: shard, progress: progress.advance)
                progress.finish()
                if let error = outcome.endingError { Roamcap.fail(error) }
                return
            }
            let progress = ProgressLine(label: "flows")
            let outcome = try runFlows(request(), progress: progress.advance)
            progress.finish()
            reading.note(command: "the flows")
            warn(outcome.warnings)
            // An input ended by a read error: the report covers the packets before it, then the error.
            defer { if let error = outcome.endingError { Roamcap.fail(error.description) } }
            if let written = outcome.packetsWritten, let uid, let output, output != "-" {
                writeStandardError("wrote \(written) packets of flow \(uid) to \(output)\n")
            }
            let layout = tableLayout.layout(first: outcome.analysis.firstTime)
            ReportDestination(streams: [output]).write(outcome.rendered(report.format, layout: layout))
        }
    }
}
