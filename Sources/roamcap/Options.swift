import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

extension ReportFormat: ExpressibleByArgument {}

extension CaptureFormat: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["pcap", "pcapng"] }
}

/// `--format`, for commands that report.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, ndjson or csv.", completion: .list(["table", "json", "ndjson", "csv"]))
    var format: ReportFormat = .table
}

/// Packet selection shared by every command that reads packets.
struct SelectionOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Select packets matching a tcpdump/BPF expression.",
        discussion: """
        convert, merge and rewrite write only the packets selected (with --from, --until, \
        --count); tables, simulate and flows report only what the packets selected show, like \
        tshark's display filter: their tables and fabric still see every frame (see \
        --read-filter for the other meaning). Compiled by libpcap for each link type. An Ethernet frame matches when the expression \
        matches it as captured or with its 802.1Q/802.1ad (QinQ) tags removed, so 'host 10.0.0.1' \
        also finds tagged traffic, which tcpdump misses. Expressions that mention 'vlan' or 'mpls' \
        are matched as captured only, as is every expression with --strict-vlan (tcpdump's exact \
        behaviour).
        """, valueName: "expression"))
    var filter: String?

    @Flag(name: .long, help: "Match the filter against frames as captured only, as tcpdump does.")
    var strictVlan = false

    @Option(name: .long, help: ArgumentHelp(
        "Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).",
        valueName: "time"))
    var from: TimeBound?

    @Option(name: .long, help: ArgumentHelp(
        "Keep packets before this time: RFC 3339 or seconds after the first packet.", valueName: "time"))
    var until: TimeBound?

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Stop after this many packets.", valueName: "n"))
    var count: Int?

    @Flag(name: .long, help: "Skip unreadable records (counted and reported) instead of stopping with an error.")
    var keepGoing = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be 1 or more, not \(count)") }
        guard let from, let until else { return }
        var empty = false
        switch (from, until) {
        case (.absolute(let x), .absolute(let y)): empty = !(x < y)
        case (.relative(let x), .relative(let y)): empty = !(x < y)
        default: break
        }
        if empty {
            throw ValidationError("--from \(from.argumentText) is not before --until \(until.argumentText): nothing would be kept")
        }
    }

    /// The selection of a request; `readFilter` from `--read-filter` and the VXLAN ports from
    /// `--vxlan-port` where the command has them.
    func request(readFilter: String? = nil, decoding: DecodingOptions? = nil) -> SelectionRequest {
        var request = SelectionRequest(filter: filter, strictVLAN: strictVlan, from: from, until: until, count: count,
                                       readFilter: readFilter, keepGoing: keepGoing)
        if let ports = decoding?.vxlanPorts, !ports.isEmpty { request.vxlanPorts = ports }
        return request
    }

    /// How the inputs are read: `--keep-going`, the VXLAN ports of `decoding` (else 4789), and
    /// whether an unreadable record ends its input (the commands that report what was read
    /// before it, then the error) rather than failing at once.
    func readOptions(_ decoding: DecodingOptions? = nil, endsAtFirstError: Bool = false) -> ReadOptions {
        request(decoding: decoding).reading(endsAtFirstError: endsAtFirstError)
    }

    func makeSelection(readFilter: String? = nil) throws -> PacketSelection {
        do throws(RequestError) { return try request(readFilter: readFilter).make() } catch {
            throw RoamcapFailure(message: error.description)
        }
    }
}

/// `--read-filter`, for the commands whose -f selects what is reported (tables, simulate, flows).
struct ReadFilterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Drop frames not matching this tcpdump/BPF expression before anything sees them.",
        discussion: """
        Frames that do not match never happened: the tables, the fabric and the flows are built \
        without them, so counts change (unlike -f, which only selects what is reported). The \
        report says so on standard error.
        """, valueName: "expression"))
    var readFilter: String?

    /// Says, on standard error, what the read filter did.
    func note(command: String) {
        guard let readFilter else { return }
        writeStandardError("roamcap: note: --read-filter '\(readFilter)': frames that do not match were dropped before \(command) saw them\n")
    }
}

/// How a command decodes packets: which UDP ports carry VXLAN.
struct DecodingOptions: ParsableArguments {
    @Option(name: .customLong("vxlan-port"), help: ArgumentHelp(
        "A UDP destination port that carries VXLAN (default: 4789); repeatable.",
        discussion: """
        A datagram to one of these ports is decapsulated only when it is not an IP fragment, its \
        VXLAN flags byte is exactly 0x08 and its reserved fields are zero; anything else is plain UDP.
        """, valueName: "port"))
    var vxlanPorts: [UInt16] = []

    func validate() throws {
        if vxlanPorts.contains(0) { throw ValidationError("--vxlan-port must be from 1 to 65535, not 0") }
    }
}

/// `--bgp-port` and `--bmp-port`: where the captured control plane is (SPEC §8).
struct ControlPlaneOptions: ParsableArguments {
    @Option(name: .customLong("bgp-port"), help: ArgumentHelp(
        "A TCP port carrying BGP (repeatable; default 179).", valueName: "port"))
    var bgpPorts: [UInt16] = []

    @Option(name: .customLong("bmp-port"), help: ArgumentHelp(
        "A TCP port carrying BMP (repeatable; default 11019).", valueName: "port"))
    var bmpPorts: [UInt16] = []

    func validate() throws {
        if let both = Set(bgpPorts).intersection(bmpPorts).first {
            throw ValidationError("port \(both) cannot be both a BGP and a BMP port")
        }
    }

    var settings: ControlPlaneSettings {
        ControlPlaneSettings(bgpPorts: bgpPorts.isEmpty ? [179] : bgpPorts, bmpPorts: bmpPorts.isEmpty ? [11019] : bmpPorts)
    }
}

/// How a command writes a trace: format, compression, replacing.
struct TraceWritingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Output format: pcap or pcapng (default: from the output name, else the input's).", valueName: "format"), completion: .list(CaptureFormat.allValueStrings))
    var outputFormat: CaptureFormat?

    @Option(name: .long, help: ArgumentHelp(
        "Compress the output: zstd or none (default: zstd when the name ends in .zst).", valueName: "method"), completion: .list(["zstd", "none"]))
    var compress: OutputCompression?

    @Flag(name: .long, help: "Replace an existing output file (an input is never replaced).")
    var force = false

    func open(_ path: String, inputs: [String]) throws -> OutputFile {
        try OutputFile(path: path, compressed: OutputCompression.compressed(compress), force: force, inputs: inputs, brokenPipe: .endsRunQuietly)
    }
}

/// Where a command writes its one trace.
struct TraceOutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Output file ('-' for standard output).", valueName: "file"), completion: .file())
    var output: String

    @OptionGroup var writing: TraceWritingOptions

    var outputFormat: CaptureFormat? { writing.outputFormat }

    func open(inputs: [String]) throws -> OutputFile {
        try writing.open(output, inputs: inputs)
    }
}

/// Progress on standard error, when it is a terminal.
final class ProgressLine: @unchecked Sendable {  // updated from one thread at a time
    let enabled: Bool
    let label: String
    private var lastPrint: Double = 0
    private let start: Double
    private var printed = false

    init(label: String) {
        enabled = isatty(2) != 0
        self.label = label
        start = ProgressLine.now()
        lastPrint = start
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func advance(_ read: UInt64, _ total: UInt64?, _ packets: Int) {
        update(read: read, total: total, packets: packets)
    }

    func update(read: UInt64, total: UInt64?, packets: Int) {
        guard enabled else { return }
        let t = ProgressLine.now()
        guard t - lastPrint >= 0.5 else { return }
        lastPrint = t
        let rate = Double(read) / max(t - start, 1e-6) / 1e6
        var text = "\r\(label): \(packets) packets, \(Int(rate)) MB/s"
        if let total, total > 0 { text += ", \(Int(Double(read) * 100 / Double(total)))%" }
        writeStandardError(text + "   ")
        printed = true
    }

    func finish() {
        if printed { writeStandardError("\r\u{1B}[K") }
    }
}

/// Warns about inputs whose link types roamcap does not decode (ARCnet, 802.11…): their
/// packets are read but not analyzed, which used to give empty output without a word.
/// Interfaces defined before the first packet are checked; standard input is not read twice.
func warnAboutUndecodedLinkTypes(_ inputs: [String]) {
    for found in undecodedLinkTypes(inputs) {
        warn("\(found.input): link type \(found.linkType) (\(found.name)) is not decoded; its packets are not analyzed")
    }
}
