import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Rewrite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a VM migration table over traces: the migration NAT (tcprewrite's job, time-aware).",
            discussion: """
            Each entry maps a VM's primary IP (the address the network keeps using) to its \
            post-migration IP. For every IP packet at time t: a destination equal to the primary \
            of an entry active at t becomes the post-migration address (network → VM); a source \
            equal to an active post-migration address becomes the primary (VM → network).

            Entries come from an NCS notification log (--notifications, NDJSON, one \
            {"time", "vm", "primary", "new"} object a line; "new": null removes the entry), a \
            static table (--table: YAML, a list of {vm?, primary, new, from?, until?}, or CSV with a \
            header naming those columns), or the \
            trace itself (--learn: a MAC bound to IP P that announces IP N by gratuitous ARP, \
            unsolicited neighbor advertisement or DHCP ACK makes an entry P → N from that packet; \
            announcing P again removes it). Times are RFC 3339 or seconds after the earliest \
            packet. A later entry for the same primary replaces the earlier one.

            Both checks apply to every packet, unless --vm-side (or nat.vm-side in the --topology \
            file) names the capture interfaces (pcapng if_name, or the input's file name) that face \
            the VMs: packets there get the \
            source check only, all others the destination check only.

            Rewriting is exact: IPv4 header, TCP, UDP, ICMPv6 checksums updated incrementally \
            (RFC 1624), so a wrong checksum stays wrong by the same amount; a UDP checksum of 0 \
            stays 0 and one that becomes 0 is written 0xFFFF; 802.1Q/QinQ, Linux SLL/SLL2 and raw \
            IP link types; IPv6 extension headers walked; fragments get their addresses rewritten \
            and the transport checksum only in the first; ICMP and ICMPv6 errors get their quoted \
            header translated the opposite way (RFC 5508) with its checksums; truncated packets are \
            rewritten as far as captured. Untouched packets stay byte-identical; timestamps, \
            interfaces, options and comments are kept, and the output has the input's format \
            (pcapng with --annotate). The filters choose which packets are written.

            The summary has one row per entry with its counts per direction, and every learned \
            entry with the packet that taught it. --format json (SPEC §5): {"packets", \
            "rewritten", "bySource", "byDestination", "truncated", "entries": [{"vm"?, "primary", \
            "new", "from", "until"?, "learnedAt"?, "packets"}]}, with times absolute (RFC 3339) \
            even where the input gave seconds after the earliest packet, and "until" set on an \
            entry that a later one replaced or removed.
            """)

        @Argument(help: ArgumentHelp("Input captures ('-' for standard input).", valueName: "input"), completion: .file())
        var inputs: [String]

        @Option(name: [.short, .long], help: ArgumentHelp("Output file, for one input ('-' for standard output).", valueName: "file"), completion: .file())
        var output: String?

        @Option(name: [.customShort("O"), .long], help: ArgumentHelp(
            "Output directory for several inputs (each output named after its input).", valueName: "dir"), completion: .directory)
        var outputDirectory: String?

        @OptionGroup var writing: TraceWritingOptions

        @OptionGroup var nat: MigrationTableOptions

        @Option(name: .long, help: ArgumentHelp(
            "A capture interface (if_name or input file name) that faces the VMs; repeatable.", valueName: "name"))
        var vmSide: [String] = []

        @Option(name: .long, help: ArgumentHelp(
            "Topology file (YAML, SPEC §3): its nat.vm-side interfaces give the direction.", valueName: "file"), completion: .file())
        var topology: String?

        @Flag(name: .long, help: "Add a pcapng comment to each rewritten packet naming the entry and the change.")
        var annotate = false

        @Flag(name: .long, help: "Print what would change, per entry and per flow, without writing.")
        var dryRun = false

        @Option(name: .customShort("j"), help: ArgumentHelp("Inputs processed in parallel (with -O).", valueName: "n"))
        var jobs: Int = 1

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var report: ReportOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("rewrite needs at least one input") }
            if nat.isEmpty {
                throw ValidationError("give the entries: --notifications FILE, --table FILE or --learn")
            }
            if !dryRun {
                if output == nil && outputDirectory == nil { throw ValidationError("give -o FILE (one input) or -O DIR") }
                if output != nil && outputDirectory != nil { throw ValidationError("-o and -O cannot be used together") }
                if output != nil && inputs.count > 1 { throw ValidationError("several inputs need -O DIR, not -o") }
            }
            if vmSide.contains(where: \.isEmpty) { throw ValidationError("--vm-side needs a capture interface or file name") }
            if jobs < 1 || jobs > 256 { throw ValidationError("-j must be between 1 and 256, not \(jobs)") }
            if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        }

        func request() -> RewriteRequest {
            var request = RewriteRequest(inputs: inputs)
            request.nat = nat.request
            request.output = output
            request.outputDirectory = outputDirectory
            request.outputFormat = writing.outputFormat
            request.compression = writing.compress
            request.force = writing.force
            request.vmSide = Set(vmSide)
            request.topology = topology
            request.annotate = annotate
            request.dryRun = dryRun
            request.jobs = jobs
            request.selection = selection.request()
            return request
        }

        func run() throws {
            // Progress only when one job runs at a time (one line each, the next overwriting it).
            let lines = inputs.map { ProgressLine(label: $0) }
            var progress: (@Sendable (Int, UInt64, UInt64?, Int) -> Void)?
            if jobs == 1 || inputs.count == 1 {
                progress = { [lines] i, read, total, packets in lines[i].update(read: read, total: total, packets: packets) }
            }
            let outcome = try runRewrite(request(), progress: progress)
            for line in lines { line.finish() }
            // The summary covers the inputs that were rewritten; the others are errors after it (exit 2).
            defer {
                for text in outcome.failures.dropLast() { writeStandardError("roamcap: error: \(text)\n") }
                if let last = outcome.failures.last { Roamcap.fail(last) }
            }
            warn(outcome.warnings)
            // With the trace on standard output, the summary goes to standard error.
            ReportDestination(streams: [output]).write(outcome.rendered(report.format))
        }
    }
}
