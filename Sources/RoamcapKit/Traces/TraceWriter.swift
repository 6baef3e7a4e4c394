import CaptureFile
import PacketFilter

/// Writes records in pcap or pcapng to an `OutputFile`, mapping input interfaces to output ones.
///
/// pcap output takes its header from the first packet's interface and refuses a packet of
/// another link type, naming both (pcapng keeps each interface's own).
public final class TraceWriter {
    public let output: OutputFile
    public let format: CaptureFormat
    private var pcapng: PcapngWriter?
    private var pcap: PcapWriter?
    /// Output interfaces by output ID (pcap: every interface registered, all sharing the header).
    public private(set) var interfaces: [InterfaceDescription] = []
    public private(set) var packetsWritten = 0

    public init(output: OutputFile, format: CaptureFormat) {
        self.output = output
        self.format = format
        if format == .pcapng { pcapng = PcapngWriter(output: output) }
    }

    /// Starts a pcapng section (ignored for pcap). Output interface IDs restart at 0.
    public func beginSection(_ section: SectionHeader) throws(CaptureError) {
        guard let pcapng else { return }
        interfaces.removeAll()
        var section = section
        if !section.options.contains(where: { $0.code == SectionHeader.OptionCode.userApplication }) {
            section.options.append(BlockOption(code: SectionHeader.OptionCode.userApplication,
                                               string: "roamcap \(roamcapVersion)"))
        }
        try pcapng.beginSection(section)
    }

    /// Declares an interface; returns the output interface ID to write its packets with.
    public func addInterface(_ interface: InterfaceDescription) throws(CaptureError) -> Int {
        if let pcapng { try pcapng.addInterface(interface) }
        interfaces.append(interface)
        return interfaces.count - 1
    }

    /// Writes a packet on output interface `interfaceID`.
    @inline(__always)
    public func write(_ packet: Packet, interfaceID: Int, keepTicks: Bool,
                      extraOptions: [BlockOption] = []) throws(CaptureError) {
        if let pcapng {
            try pcapng.write(packet, interfaceID: interfaceID, keepTicks: keepTicks, extraOptions: extraOptions)
        } else {
            try writePcap(packet, interfaceID: interfaceID)
        }
        packetsWritten += 1
    }

    @inline(__always)
    private func writePcap(_ packet: Packet, interfaceID: Int) throws(CaptureError) {
        if let pcap {
            let linkType = interfaces[interfaceID].linkType
            if linkType != pcap.linkType {
                throw CaptureError(.output, file: output.path, packet: packet.number,
                                   "pcap holds one link type, but packets have \(describe(pcap.linkType)) and "
                                   + "\(describe(linkType)); write pcapng instead (--output-format pcapng)")
            }
            try pcap.write(packet)
            return
        }
        let interface = interfaces[interfaceID]
        // Microseconds hold the timestamps exactly only when the resolution divides them.
        let finer = 1_000_000 % interface.unitsPerSecond != 0
        let snap = interfaces.filter { $0.linkType == interface.linkType }.map(\.snapLength).max() ?? 0
        pcap = try PcapWriter(output: output, linkType: interface.linkType, snapLength: snap, nanosecond: finer)
        try pcap!.write(packet)
    }

    private func describe(_ linkType: UInt16) -> String {
        "\(linkType) (\(LinkTypeName.name(linkType)))"
    }

    /// Passes a name resolution, statistics, secrets or custom block on (pcapng only).
    public func write(_ block: OtherBlock, interfaceID: Int?) throws(CaptureError) {
        try pcapng?.write(block, interfaceID: interfaceID)
    }

    /// Flushes and renames the output into place. A pcap output with no packet gets a header
    /// from the first interface (Ethernet if none).
    public func finish() throws(CaptureError) {
        if format == .pcap && pcap == nil {
            let first = interfaces.first
            pcap = try PcapWriter(output: output, linkType: first?.linkType ?? 1,
                                  snapLength: first?.snapLength ?? 262_144,
                                  nanosecond: 1_000_000 % (first?.unitsPerSecond ?? 1) != 0)
        }
        try output.commit()
    }
}

/// The version printed by `--version` and written into pcapng section headers.
public let roamcapVersion = "0.1.0"

/// The output format: the one asked for, else the one the name says, else the input's.
public func chooseOutputFormat(path: String, requested: CaptureFormat?, input: CaptureFormat) -> CaptureFormat {
    if let requested { return requested }
    var name = path.lowercased()
    for suffix in [".zst", ".gz"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
    if name.hasSuffix(".pcapng") || name.hasSuffix(".ntar") { return .pcapng }
    if name.hasSuffix(".pcap") || name.hasSuffix(".cap") || name.hasSuffix(".dmp") { return .pcap }
    return input
}
