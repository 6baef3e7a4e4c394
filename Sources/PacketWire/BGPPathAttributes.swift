// The values of the path attributes roamcap reads (RFC 4271 section 5.1, RFC 4760, RFC 4360,
// RFC 6793, RFC 7432 section 7.7, RFC 9012). Each reader takes the attribute's value bytes (as
// `BGPPathAttribute.value` gives them) and checks their length once.

/// The ORIGIN attribute's value.
public struct BGPOrigin: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Reads the 1-byte value.
    @inlinable
    public init(_ value: UnsafeRawBufferPointer) throws(WireError) {
        guard value.count == 1 else { throw WireError(.invalidField, at: 0) }
        self.init(rawValue: value.readUInt8(at: 0))
    }

    /// IGP, 0.
    @inlinable public static var igp: BGPOrigin { BGPOrigin(rawValue: 0) }
    /// EGP, 1.
    @inlinable public static var egp: BGPOrigin { BGPOrigin(rawValue: 1) }
    /// INCOMPLETE, 2.
    @inlinable public static var incomplete: BGPOrigin { BGPOrigin(rawValue: 2) }

    /// `IGP`, `EGP`, `INCOMPLETE` (as tshark writes them), or the number.
    public var description: String {
        switch rawValue {
        case 0: "IGP"
        case 1: "EGP"
        case 2: "INCOMPLETE"
        default: String(rawValue)
        }
    }
}

/// Reads a 4-byte attribute value: NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF.
@inlinable
public func readBGPUInt32Attribute(_ value: UnsafeRawBufferPointer) throws(WireError) -> UInt32 {
    guard value.count == 4 else { throw WireError(.invalidField, at: 0) }
    return value.readUInt32(at: 0)
}

// AS_PATH (RFC 4271 section 4.3, RFC 6793): segments of (type 1 byte, count 1 byte, count AS
// numbers of 2 bytes, or 4 bytes between speakers that both announced the 4-octet capability).
//   type 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET.

/// One AS_PATH segment.
public struct BGPASPathSegment: Hashable, Sendable {
    /// The segment type (1 set, 2 sequence, 3 confederation sequence, 4 confederation set).
    public var type: UInt8
    /// The AS numbers, in order.
    public var numbers: [UInt32]

    /// Creates a segment.
    public init(type: UInt8, numbers: [UInt32]) {
        self.type = type
        self.numbers = numbers
    }
}

/// An AS_PATH (or AS4_PATH) attribute.
public struct BGPASPath: Hashable, Sendable, CustomStringConvertible {
    /// The segments, in order.
    public var segments: [BGPASPathSegment]

    /// Creates a path.
    public init(segments: [BGPASPathSegment]) { self.segments = segments }

    /// Reads a value with AS numbers of `numberSize` bytes (2 or 4); a segment that does not fit,
    /// or a value that does not end where the last segment does, is an error.
    public init(_ value: UnsafeRawBufferPointer, numberSize: Int) throws(WireError) {
        guard numberSize == 2 || numberSize == 4 else { throw WireError(.unsupported, at: 0) }
        segments = []
        var at = 0
        while at < value.count {
            guard at + 2 <= value.count else { throw WireError(.truncated, at: value.count) }
            let type = value.readUInt8(at: at)
            let count = Int(value.readUInt8(at: at + 1))
            let end = at + 2 + count * numberSize
            guard end <= value.count else { throw WireError(.truncated, at: value.count) }
            var numbers: [UInt32] = []
            numbers.reserveCapacity(count)
            for i in 0..<count {
                let p = at + 2 + i * numberSize
                numbers.append(numberSize == 4 ? value.readUInt32(at: p) : UInt32(value.readUInt16(at: p)))
            }
            segments.append(BGPASPathSegment(type: type, numbers: numbers))
            at = end
        }
    }

    /// The AS number size a value was most likely written with when the session's OPENs were not
    /// captured: 4 when the value reads as well-formed segments of 4-byte numbers (types 1-4,
    /// each non-empty, ending exactly at the end), else 2 when it does with 2-byte numbers, else 4.
    public static func likelyNumberSize(_ value: UnsafeRawBufferPointer) -> Int {
        func fits(_ size: Int) -> Bool {
            var at = 0
            while at < value.count {
                guard at + 2 <= value.count else { return false }
                let type = value.readUInt8(at: at)
                let count = Int(value.readUInt8(at: at + 1))
                guard (1...4).contains(type), count > 0 else { return false }
                at += 2 + count * size
            }
            return at == value.count
        }
        if fits(4) { return 4 }
        if fits(2) { return 2 }
        return 4
    }

    /// The path a 2-byte-AS speaker's AS_PATH (`self`, with AS_TRANS where a 4-byte AS was)
    /// and AS4_PATH together stand for (RFC 6793 section 4.2.3): when AS_PATH counts fewer hops
    /// than AS4_PATH, AS_PATH alone; otherwise the leading hops of AS_PATH that AS4_PATH does
    /// not cover, then AS4_PATH.
    public func merging(as4Path: BGPASPath) -> BGPASPath {
        var keep = hopCount - as4Path.hopCount
        guard keep >= 0 else { return self }
        var leading: [BGPASPathSegment] = []
        for segment in segments where keep > 0 {
            switch segment.type {
            case 2:
                let taken = Array(segment.numbers.prefix(keep))
                leading.append(BGPASPathSegment(type: 2, numbers: taken))
                keep -= taken.count
            case 1:
                leading.append(segment)
                keep -= 1
            default:
                leading.append(segment)
            }
        }
        return BGPASPath(segments: leading + as4Path.segments)
    }

    /// The number of AS hops (a set counts once, confederation segments not at all; RFC 4271 9.1.2.2).
    public var hopCount: Int {
        segments.reduce(0) { total, segment in
            switch segment.type {
            case 1: total + 1
            case 2: total + segment.numbers.count
            default: total
            }
        }
    }

    /// The AS numbers separated by spaces, as tshark writes an AS_SEQUENCE; a set in braces,
    /// a confederation sequence in parentheses, a confederation set in square brackets.
    public var description: String {
        segments.map { segment -> String in
            let text = segment.numbers.map(String.init).joined(separator: " ")
            switch segment.type {
            case 1: return "{" + text + "}"
            case 3: return "(" + text + ")"
            case 4: return "[" + text + "]"
            default: return text
            }
        }.joined(separator: " ")
    }

    /// The length of the emitted value with numbers of `numberSize` bytes.
    public func valueLength(numberSize: Int) -> Int {
        segments.reduce(0) { $0 + 2 + $1.numbers.count * numberSize }
    }

    /// Writes the value at `offset` with numbers of `numberSize` bytes.
    public func emit(numberSize: Int, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(WireError) {
        guard numberSize == 2 || numberSize == 4 else { throw WireError(.unsupported, at: offset) }
        try requireLength(buffer.count, offset + valueLength(numberSize: numberSize))
        var at = offset
        for segment in segments {
            guard segment.numbers.count <= 255 else { throw WireError(.invalidField, at: at + 1) }
            buffer.writeUInt8(segment.type, at: at)
            buffer.writeUInt8(UInt8(segment.numbers.count), at: at + 1)
            at += 2
            for number in segment.numbers {
                if numberSize == 4 {
                    buffer.writeUInt32(number, at: at)
                } else {
                    buffer.writeUInt16(UInt16(truncatingIfNeeded: number), at: at)
                }
                at += numberSize
            }
        }
    }
}

// MP_REACH_NLRI (RFC 4760 section 3):
//
//  +---------------------------------------------------------+
//  | Address Family Identifier (2 octets)                    |
//  +---------------------------------------------------------+
//  | Subsequent Address Family Identifier (1 octet)          |
//  +---------------------------------------------------------+
//  | Length of Next Hop Network Address (1 octet)            |
//  +---------------------------------------------------------+
//  | Network Address of Next Hop (variable)                  |
//  +---------------------------------------------------------+
//  | Reserved (1 octet)                                      |
//  +---------------------------------------------------------+
//  | Network Layer Reachability Information (variable)       |
//  +---------------------------------------------------------+

/// Byte offsets of the MP_REACH_NLRI and MP_UNREACH_NLRI fields, from the start of the value.
@usableFromInline
enum BGPMultiprotocolField {
    @inlinable static var afi: Int { 0 }
    @inlinable static var safi: Int { 2 }
    @inlinable static var nextHopLength: Int { 3 }
    @inlinable static var nextHop: Int { 4 }
    /// MP_UNREACH_NLRI: the withdrawn routes follow AFI and SAFI.
    @inlinable static var withdrawnRoutes: Int { 3 }
}

/// A read-only view of an MP_REACH_NLRI value.
public struct BGPMultiprotocolReachable {
    /// The attribute's value bytes.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps a value after checking that the next hop and the reserved byte fit in it.
    @inlinable
    public init(_ value: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(value.count, BGPMultiprotocolField.nextHop)
        let reserved = BGPMultiprotocolField.nextHop + Int(value.readUInt8(at: BGPMultiprotocolField.nextHopLength))
        guard reserved < value.count else { throw WireError(.truncated, at: value.count) }
        self.bytes = value
    }

    /// The address family.
    @inlinable public var family: BGPAddressFamily {
        BGPAddressFamily(afi: bytes.readUInt16(at: BGPMultiprotocolField.afi),
                         safi: bytes.readUInt8(at: BGPMultiprotocolField.safi))
    }
    /// The next hop's bytes.
    @inlinable public var nextHopBytes: UnsafeRawBufferPointer {
        bytes.slice(from: BGPMultiprotocolField.nextHop, to: reservedOffset)
    }
    @inlinable var reservedOffset: Int {
        BGPMultiprotocolField.nextHop + Int(bytes.readUInt8(at: BGPMultiprotocolField.nextHopLength))
    }
    /// The NLRI bytes after the reserved byte.
    @inlinable public var reachability: UnsafeRawBufferPointer { bytes.slice(from: reservedOffset + 1) }
    /// Where the NLRI start, from the start of the value.
    @inlinable public var reachabilityOffset: Int { reservedOffset + 1 }

    /// The next hop's global address: 4 bytes IPv4, 16 IPv6, 32 IPv6 and a link-local one (the
    /// first is returned), and the VPN forms with an 8-byte RD in front (12, 24, 48); nil otherwise.
    public var nextHop: IPAddress? {
        let hop = nextHopBytes
        switch hop.count {
        case 4: return .v4(IPv4Address(rawValue: hop.readUInt32(at: 0)))
        case 12: return .v4(IPv4Address(rawValue: hop.readUInt32(at: 8)))
        case 16, 32: return .v6(IPv6Address(high: hop.readUInt64(at: 0), low: hop.readUInt64(at: 8)))
        case 24, 48: return .v6(IPv6Address(high: hop.readUInt64(at: 8), low: hop.readUInt64(at: 16)))
        default: return nil
        }
    }
}

/// A read-only view of an MP_UNREACH_NLRI value.
public struct BGPMultiprotocolUnreachable {
    /// The attribute's value bytes.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps a value after checking that AFI and SAFI fit in it.
    @inlinable
    public init(_ value: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(value.count, BGPMultiprotocolField.withdrawnRoutes)
        self.bytes = value
    }

    /// The address family.
    @inlinable public var family: BGPAddressFamily {
        BGPAddressFamily(afi: bytes.readUInt16(at: BGPMultiprotocolField.afi),
                         safi: bytes.readUInt8(at: BGPMultiprotocolField.safi))
    }
    /// The withdrawn routes' bytes (empty in an End-of-RIB marker of this family, RFC 4724).
    @inlinable public var withdrawnRoutes: UnsafeRawBufferPointer {
        bytes.slice(from: BGPMultiprotocolField.withdrawnRoutes)
    }
    /// Where the withdrawn routes start, from the start of the value.
    @inlinable public var withdrawnRoutesOffset: Int { BGPMultiprotocolField.withdrawnRoutes }
}

// Extended community (RFC 4360 section 2), 8 bytes each:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Type high    |  Type low(*)  |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          Value                |
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Route Target: type 0x00 (2-byte AS : 4-byte number), 0x01 (IPv4 : 2-byte number) or 0x02
// (4-byte AS : 2-byte number), sub-type 0x02. MAC Mobility (RFC 7432 section 7.7): type 0x06,
// sub-type 0x00, then a flags byte (0x01 sticky/static), a reserved byte and a 4-byte sequence
// number. Encapsulation (RFC 9012 section 4.1): type 0x03, sub-type 0x0c, 4 reserved bytes,
// then a 2-byte tunnel type (8 VXLAN, 10 NVGRE, 11 MPLS, 12 MPLS in GRE, 13 VXLAN-GPE...).

/// One extended community, as its 8 bytes in one integer (first byte most significant).
public struct BGPExtendedCommunity: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8 bytes.
    public let rawValue: UInt64

    /// Wraps 8 bytes.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The type (high) byte.
    @inlinable public var type: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 56) }
    /// The sub-type (low type) byte.
    @inlinable public var subtype: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 48) }
    /// The 6 value bytes.
    @inlinable public var value: UInt64 { rawValue & 0xFFFF_FFFF_FFFF }

    /// A Route Target for a 2-byte AS (type 0x00), an IPv4 address (0x01) or a 4-byte AS (0x02).
    @inlinable
    public static func routeTarget(type: UInt8, value: UInt64) -> BGPExtendedCommunity {
        BGPExtendedCommunity(rawValue: UInt64(type) << 56 | 0x02 << 48 | value & 0xFFFF_FFFF_FFFF)
    }

    /// A MAC Mobility community.
    @inlinable
    public static func macMobility(sequence: UInt32, sticky: Bool) -> BGPExtendedCommunity {
        BGPExtendedCommunity(rawValue: 0x0600 << 48 | (sticky ? 1 : 0) << 40 | UInt64(sequence))
    }

    /// An Encapsulation community.
    @inlinable
    public static func encapsulation(tunnelType: UInt16) -> BGPExtendedCommunity {
        BGPExtendedCommunity(rawValue: 0x030c << 48 | UInt64(tunnelType))
    }

    /// Whether this is a Route Target (types 0x00, 0x01, 0x02, sub-type 0x02).
    @inlinable public var isRouteTarget: Bool { type <= 0x02 && subtype == 0x02 }

    /// The Route Target as tshark writes it (`64771:2`, `192.0.2.1:7`), nil for other communities.
    public var routeTarget: String? {
        isRouteTarget ? BGPAdministratorText.render(kind: UInt16(type), value: value) : nil
    }

    /// MAC Mobility (type 0x06, sub-type 0x00): the sequence number and the sticky flag.
    @inlinable public var macMobility: (sequence: UInt32, sticky: Bool)? {
        guard type == 0x06 && subtype == 0x00 else { return nil }
        return (UInt32(truncatingIfNeeded: rawValue), rawValue >> 40 & 0x01 != 0)
    }

    /// The tunnel type of an Encapsulation community (type 0x03, sub-type 0x0c).
    @inlinable public var tunnelType: UInt16? {
        guard type == 0x03 && subtype == 0x0c else { return nil }
        return UInt16(truncatingIfNeeded: rawValue)
    }

    /// The VXLAN tunnel type, 8.
    @inlinable public static var vxlanTunnelType: UInt16 { 8 }

    /// `rt 64771:2`, `mac-mobility 5`, `mac-mobility 5 sticky`, `encapsulation 8`, or the 16 hex digits.
    public var description: String {
        if let routeTarget { return "rt " + routeTarget }
        if let (sequence, sticky) = macMobility { return "mac-mobility \(sequence)" + (sticky ? " sticky" : "") }
        if let tunnelType { return "encapsulation \(tunnelType)" }
        return TextFormat.hex(rawValue, width: 16)
    }
}

/// A read-only view of an EXTENDED_COMMUNITIES value: 8 bytes per community.
public struct BGPExtendedCommunities {
    /// The attribute's value bytes.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps a value after checking that its length is a multiple of 8.
    @inlinable
    public init(_ value: UnsafeRawBufferPointer) throws(WireError) {
        guard value.count % 8 == 0 else { throw WireError(.invalidField, at: value.count - value.count % 8) }
        self.bytes = value
    }

    /// The number of communities.
    @inlinable public var count: Int { bytes.count / 8 }

    /// The community at `index` (0 ..< count).
    @inlinable
    public subscript(index: Int) -> BGPExtendedCommunity {
        precondition(index >= 0 && index < count, "extended community index out of range")
        return BGPExtendedCommunity(rawValue: bytes.readUInt64(at: index * 8))
    }
}

/// The text of the administrator:number pairs of Route Distinguishers and Route Targets
/// (RFC 4364 section 4.2), as tshark writes them.
public enum BGPAdministratorText {
    /// Renders 6 value bytes of kind 0 (`AS2:N4`), 1 (`a.b.c.d:N2`) or 2 (`AS4:N2`); other
    /// kinds as `kind:` and 12 hex digits.
    public static func render(kind: UInt16, value: UInt64) -> String {
        switch kind {
        case 0: return "\(value >> 32 & 0xFFFF):\(value & 0xFFFF_FFFF)"
        case 1: return "\(IPv4Address(rawValue: UInt32(truncatingIfNeeded: value >> 16))):\(value & 0xFFFF)"
        case 2: return "\(value >> 16 & 0xFFFF_FFFF):\(value & 0xFFFF)"
        default: return "\(kind):" + TextFormat.hex(value, width: 12)
        }
    }

    /// Parses the text of `render` for kinds 0, 1 and 2: an IPv4 address before the colon is
    /// kind 1; a number above 65535 before it is kind 2; otherwise kind 0.
    public static func parse(_ text: String) -> (kind: UInt16, value: UInt64)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let number = UInt64(parts[1]) else { return nil }
        if let address = IPv4Address(String(parts[0])) {
            guard number <= 0xFFFF else { return nil }
            return (1, UInt64(address.rawValue) << 16 | number)
        }
        guard let administrator = UInt64(parts[0]), administrator <= 0xFFFF_FFFF else { return nil }
        if administrator > 0xFFFF {
            guard number <= 0xFFFF else { return nil }
            return (2, administrator << 16 | number)
        }
        guard number <= 0xFFFF_FFFF else { return nil }
        return (0, administrator << 32 | number)
    }
}
