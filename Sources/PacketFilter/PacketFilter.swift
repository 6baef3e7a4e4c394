import CPcap

/// A tcpdump/BPF filter expression, compiled by libpcap once per link type it meets.
///
/// By default an Ethernet frame matches when the expression matches the frame as captured **or**
/// the same frame with its 802.1Q/802.1ad tags removed, so `host 10.0.0.1` also finds tagged
/// traffic (tcpdump's `host X` silently misses it). An expression that names `vlan` or `mpls`
/// itself is matched as captured only, and so is every expression with `strictVLAN`, which gives
/// tcpdump's exact behaviour.
public final class PacketFilter {
    public let expression: String
    public let strictVLAN: Bool
    /// Whether tag-stripped matching applies (not strict, and the expression leaves tags alone).
    public let matchesThroughTags: Bool
    private var programs: [(linkType: UInt16, program: UnsafeMutablePointer<bpf_program>)] = []
    private var scratch: UnsafeMutableRawPointer
    private let scratchCapacity = 1 << 16

    /// Compiles `expression` for Ethernet at once, so that syntax errors surface before any input
    /// is read.
    public init(expression: String, strictVLAN: Bool = false) throws(FilterError) {
        self.expression = expression
        self.strictVLAN = strictVLAN
        let words = expression.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        matchesThroughTags = !strictVLAN && !words.contains("vlan") && !words.contains("mpls")
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
        _ = try program(for: 1)
    }

    deinit {
        for entry in programs {
            pcap_freecode(entry.program)
            entry.program.deallocate()
        }
        scratch.deallocate()
    }

    /// Whether the packet matches.
    @inline(__always)
    public func matches(_ data: UnsafeRawBufferPointer, originalLength: Int,
                        linkType: UInt16) throws(FilterError) -> Bool {
        let program = try program(for: linkType)
        if run(program, data.baseAddress, captured: data.count, original: originalLength) { return true }
        guard matchesThroughTags, linkType == 1, data.count >= 18 else { return false }
        // Count the 802.1Q / 802.1ad / 0x9100 tags after the two MAC addresses.
        var offset = 12
        while offset + 4 <= data.count {
            let type = UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
            guard type == 0x8100 || type == 0x88A8 || type == 0x9100 else { break }
            offset += 4
        }
        let tagBytes = offset - 12
        guard tagBytes > 0, data.count - tagBytes <= scratchCapacity else { return false }
        let base = data.baseAddress!
        scratch.copyMemory(from: base, byteCount: 12)
        (scratch + 12).copyMemory(from: base + offset, byteCount: data.count - offset)
        return run(program, UnsafeRawPointer(scratch), captured: data.count - tagBytes,
                   original: max(0, originalLength - tagBytes))
    }

    @inline(__always)
    private func run(_ program: UnsafeMutablePointer<bpf_program>, _ data: UnsafeRawPointer?,
                     captured: Int, original: Int) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = bpf_u_int32(truncatingIfNeeded: captured)
        header.len = bpf_u_int32(truncatingIfNeeded: original)
        guard let data else { return false }
        return pcap_offline_filter(program, &header, data.assumingMemoryBound(to: UInt8.self)) != 0
    }

    private func program(for linkType: UInt16) throws(FilterError) -> UnsafeMutablePointer<bpf_program> {
        for entry in programs where entry.linkType == linkType { return entry.program }
        guard let handle = pcap_open_dead(Self.dataLinkType(forLinkType: linkType), 262_144) else {
            throw FilterError(expression: expression, linkType: linkType, message: "libpcap cannot open a handle")
        }
        defer { pcap_close(handle) }
        let program = UnsafeMutablePointer<bpf_program>.allocate(capacity: 1)
        program.initialize(to: bpf_program())
        if pcap_compile(handle, program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            let message = String(cString: pcap_geterr(handle))
            program.deallocate()
            throw FilterError(expression: expression, linkType: linkType, message: message)
        }
        programs.append((linkType, program))
        return program
    }

    /// libpcap's DLT_ value for a LINKTYPE_ value where the two differ (Linux numbering).
    static func dataLinkType(forLinkType linkType: UInt16) -> Int32 {
        switch linkType {
        case 101: return 12   // LINKTYPE_RAW → DLT_RAW
        case 100: return 11   // LINKTYPE_ATM_RFC1483
        case 102: return 15   // SLIP_BSDOS
        case 103: return 16   // PPP_BSDOS
        default: return Int32(linkType)
        }
    }
}

/// A filter expression libpcap could not compile.
public struct FilterError: Error, CustomStringConvertible, Sendable {
    public var expression: String
    public var linkType: UInt16
    public var message: String

    public var description: String {
        "filter '\(expression)' (link type \(linkType)): \(message)"
    }
}

/// Names of link types, as libpcap knows them.
public enum LinkTypeName {
    /// libpcap's short name (`EN10MB`, `LINUX_SLL`…) or `LINKTYPE_n` when unknown.
    public static func name(_ linkType: UInt16) -> String {
        if let c = pcap_datalink_val_to_name(PacketFilter.dataLinkType(forLinkType: linkType)) {
            return String(cString: c)
        }
        return "LINKTYPE_\(linkType)"
    }

    /// libpcap's description (`Ethernet`, `Linux cooked v1`…) or `link type n` when unknown.
    public static func description(_ linkType: UInt16) -> String {
        if let c = pcap_datalink_val_to_description(PacketFilter.dataLinkType(forLinkType: linkType)) {
            return String(cString: c)
        }
        return "link type \(linkType)"
    }
}
