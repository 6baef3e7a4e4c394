/// The on-disk format of a capture.
public enum CaptureFormat: String, Sendable {
    case pcap, pcapng
}

/// One pcapng option: a code and its value, numeric fields in host (little-endian) byte order.
public struct BlockOption: Hashable, Sendable {
    public var code: UInt16
    public var value: [UInt8]

    public init(code: UInt16, value: [UInt8]) {
        self.code = code
        self.value = value
    }

    public init(code: UInt16, string: String) {
        self.init(code: code, value: Array(string.utf8))
    }

    /// The value as UTF-8 text (comments, names).
    public var stringValue: String { String(decoding: value, as: UTF8.self) }

    public static let commentCode: UInt16 = 1
}

extension [BlockOption] {
    /// The first option with `code`, as text.
    public func string(_ code: UInt16) -> String? {
        first { $0.code == code }?.stringValue
    }

    /// Every `opt_comment`.
    public var comments: [String] { filter { $0.code == BlockOption.commentCode }.map(\.stringValue) }
}

/// A pcapng section header (for pcap input: a synthetic one with no options).
public struct SectionHeader: Sendable {
    public var majorVersion: UInt16
    public var minorVersion: UInt16
    public var bigEndian: Bool
    /// shb_hardware (2), shb_os (3), shb_userappl (4), comments…
    public var options: [BlockOption]

    public init(majorVersion: UInt16 = 1, minorVersion: UInt16 = 0, bigEndian: Bool = false,
                options: [BlockOption] = []) {
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.bigEndian = bigEndian
        self.options = options
    }

    public enum OptionCode {
        public static let hardware: UInt16 = 2
        public static let os: UInt16 = 3
        public static let userApplication: UInt16 = 4
    }
}

/// A capture interface: link type, snapshot length and timestamp resolution
/// (for pcap input: the one implicit interface of the file).
public struct InterfaceDescription: Sendable {
    /// The LINKTYPE_ value (tcpdump.org/linktypes.html).
    public var linkType: UInt16
    public var snapLength: UInt32
    /// if_name (2), if_description (3), if_tsresol (9), if_tsoffset (14), if_filter (11)…
    public var options: [BlockOption]
    /// Index of the section (0-based, in file order) the interface belongs to.
    public var section: Int
    /// The if_tsresol byte: `n` means 10^-n s, `0x80 | n` means 2^-n s. 6 by default.
    public var timestampResolution: UInt8
    /// Ticks per second implied by `timestampResolution`.
    public var unitsPerSecond: UInt64
    /// if_tsoffset: seconds to add to every timestamp.
    public var timestampOffset: Int64

    public init(linkType: UInt16, snapLength: UInt32, options: [BlockOption] = [], section: Int = 0,
                timestampResolution: UInt8 = 6) {
        self.linkType = linkType
        self.snapLength = snapLength
        self.options = options
        self.section = section
        self.timestampResolution = timestampResolution
        self.unitsPerSecond = InterfaceDescription.unitsPerSecond(resolution: timestampResolution) ?? 1_000_000
        self.timestampOffset = 0
    }

    public var name: String? { options.string(OptionCode.name) }
    public var interfaceDescription: String? { options.string(OptionCode.description) }

    /// Ticks per second for an if_tsresol byte, or nil when it does not fit in 64 bits.
    public static func unitsPerSecond(resolution: UInt8) -> UInt64? {
        let exponent = Int(resolution & 0x7F)
        if resolution & 0x80 != 0 {
            return exponent < 64 ? UInt64(1) << exponent : nil
        }
        if exponent > 19 { return nil }
        var units: UInt64 = 1
        for _ in 0..<exponent { units *= 10 }
        return units
    }

    /// Resolution as text: "ns", "µs", "ms", "s", "10^-N s" or "2^-N s".
    public var resolutionText: String {
        if timestampResolution & 0x80 != 0 { return "2^-\(timestampResolution & 0x7F) s" }
        switch timestampResolution {
        case 0: return "s"
        case 3: return "ms"
        case 6: return "µs"
        case 9: return "ns"
        case 12: return "ps"
        default: return "10^-\(timestampResolution) s"
        }
    }

    public enum OptionCode {
        public static let name: UInt16 = 2
        public static let description: UInt16 = 3
        public static let speed: UInt16 = 8
        public static let timestampResolution: UInt16 = 9
        public static let filter: UInt16 = 11
        public static let os: UInt16 = 12
        public static let fcsLength: UInt16 = 13
        public static let timestampOffset: UInt16 = 14
    }
}

/// A pcapng block that is neither a section header, an interface description nor a packet:
/// name resolution (NRB), interface statistics (ISB), decryption secrets (DSB), custom blocks.
/// Its body (without type and lengths) is in host byte order, ready to be written again.
public struct OtherBlock: Sendable {
    public var type: UInt32
    public var body: [UInt8]
    /// Section (0-based) the block appeared in.
    public var section: Int
    /// For an ISB: the global index of the interface it describes.
    public var interface: Int?

    public static let nameResolution: UInt32 = 4
    public static let interfaceStatistics: UInt32 = 5
    public static let decryptionSecrets: UInt32 = 10
    public static let customCopyable: UInt32 = 0x0000_0BAD
}

/// A captured packet, valid until the reader's next call.
public struct Packet {
    public var timestamp: Timestamp
    /// Global index (over all sections) into the reader's `interfaces`.
    public var interface: Int
    public var originalLength: Int
    public var data: UnsafeRawBufferPointer
    /// The timestamp in ticks of the interface's resolution, as read (pcapng) or computed (pcap,
    /// after any sub-second carry). Lets a pcapng writer keep
    /// the exact value when the interface's resolution is kept.
    public var ticks: UInt64
    /// Raw EPB/PB options, in the byte order of the section (`optionsBigEndian`).
    public var options: UnsafeRawBufferPointer
    public var optionsBigEndian: Bool
    /// 1-based number of the packet in file order.
    public var number: Int
    /// Byte offset of the record in the (decompressed) stream.
    public var offset: UInt64
    /// False for pcapng simple packet blocks, which carry no timestamp (`timestamp` is then 0).
    public var hasTimestamp: Bool

    public var capturedLength: Int { data.count }

    public init(timestamp: Timestamp, interface: Int, originalLength: Int,
                data: UnsafeRawBufferPointer, ticks: UInt64 = 0,
                options: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                optionsBigEndian: Bool = false, number: Int = 0, offset: UInt64 = 0,
                hasTimestamp: Bool = true) {
        self.timestamp = timestamp
        self.interface = interface
        self.originalLength = originalLength
        self.data = data
        self.ticks = ticks
        self.options = options
        self.optionsBigEndian = optionsBigEndian
        self.number = number
        self.offset = offset
        self.hasTimestamp = hasTimestamp
    }

    /// The packet's options decoded (comments, flags, packet id…) — allocates, not for hot paths.
    public var decodedOptions: [BlockOption] {
        PcapngOptions.parse(options, bigEndian: optionsBigEndian, blockType: 6)
    }
}

/// What a reader yields, in file order.
public enum CaptureRecord {
    case section(SectionHeader)
    case interface(InterfaceDescription)
    case packet(Packet)
    case other(OtherBlock)
}
