// UPDATE message body (RFC 4271 section 4.3), after the 19-byte header:
//
//  +-----------------------------------------------------+
//  |   Withdrawn Routes Length (2 octets)                |
//  +-----------------------------------------------------+
//  |   Withdrawn Routes (variable)                       |
//  +-----------------------------------------------------+
//  |   Total Path Attribute Length (2 octets)            |
//  +-----------------------------------------------------+
//  |   Path Attributes (variable)                        |
//  +-----------------------------------------------------+
//  |   Network Layer Reachability Information (variable) |
//  +-----------------------------------------------------+
//
// Withdrawn routes and NLRI are IPv4 prefixes (length in bits, then the fewest whole bytes),
// each preceded by a 4-byte path identifier when ADD-PATH (RFC 7911) was negotiated.

/// Byte offsets of the UPDATE fields that do not move, from the start of the message.
@usableFromInline
enum BGPUpdateField {
    @inlinable static var withdrawnRoutesLength: Int { 19 }
    @inlinable static var withdrawnRoutes: Int { 21 }
    /// The smallest UPDATE: header and both 2-byte lengths.
    @inlinable static var minimumLength: Int { 23 }
}

/// A read-only view of an UPDATE message.
public struct BGPUpdateMessage {
    /// The whole message, header first.
    public let bytes: UnsafeRawBufferPointer
    /// Where the Total Path Attribute Length field is.
    public let pathAttributesLengthOffset: Int

    /// Wraps an UPDATE after checking its type and that both length fields fit in the message.
    @inlinable
    public init(_ message: BGPMessage) throws(WireError) {
        guard message.type == .update else { throw WireError(.unsupported, at: BGPField.type) }
        let bytes = message.bytes
        try requireLength(bytes.count, BGPUpdateField.minimumLength)
        let withdrawnEnd = BGPUpdateField.withdrawnRoutes + Int(bytes.readUInt16(at: BGPUpdateField.withdrawnRoutesLength))
        guard withdrawnEnd + 2 <= bytes.count else {
            throw WireError(.invalidField, at: BGPUpdateField.withdrawnRoutesLength)
        }
        guard withdrawnEnd + 2 + Int(bytes.readUInt16(at: withdrawnEnd)) <= bytes.count else {
            throw WireError(.invalidField, at: withdrawnEnd)
        }
        self.bytes = bytes
        self.pathAttributesLengthOffset = withdrawnEnd
    }

    /// The withdrawn routes' bytes (IPv4 prefixes).
    @inlinable public var withdrawnRoutes: UnsafeRawBufferPointer {
        bytes.slice(from: BGPUpdateField.withdrawnRoutes, to: pathAttributesLengthOffset)
    }
    /// The offset of the first path attribute.
    @inlinable public var pathAttributesOffset: Int { pathAttributesLengthOffset + 2 }
    /// The path attributes' bytes.
    @inlinable public var pathAttributeBytes: UnsafeRawBufferPointer {
        bytes.slice(from: pathAttributesOffset,
                    to: pathAttributesOffset + Int(bytes.readUInt16(at: pathAttributesLengthOffset)))
    }
    /// The path attributes, in order.
    @inlinable public var pathAttributes: BGPPathAttributeIterator {
        BGPPathAttributeIterator(pathAttributeBytes, base: pathAttributesOffset)
    }
    /// The NLRI bytes after the path attributes (IPv4 prefixes).
    @inlinable public var reachability: UnsafeRawBufferPointer {
        bytes.slice(from: pathAttributesOffset + Int(bytes.readUInt16(at: pathAttributesLengthOffset)))
    }
    /// Whether this is an IPv4 unicast End-of-RIB marker (RFC 4724): nothing at all.
    @inlinable public var isEndOfRIB: Bool { bytes.count == BGPUpdateField.minimumLength }
}

// Path attribute (RFC 4271 section 4.3):
//
//   0                   1
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Attr. Flags  |Attr. Type Code|  then a 1-byte length, or 2 bytes when the
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  Extended Length flag (0x10) is set; then the value.
//  Flags: Optional 0x80, Transitive 0x40, Partial 0x20, Extended Length 0x10.

/// A path attribute type code (IANA registry). Unknown codes survive.
public struct BGPAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// ORIGIN, 1.
    @inlinable public static var origin: BGPAttributeType { BGPAttributeType(rawValue: 1) }
    /// AS_PATH, 2.
    @inlinable public static var asPath: BGPAttributeType { BGPAttributeType(rawValue: 2) }
    /// NEXT_HOP, 3.
    @inlinable public static var nextHop: BGPAttributeType { BGPAttributeType(rawValue: 3) }
    /// MULTI_EXIT_DISC, 4.
    @inlinable public static var multiExitDiscriminator: BGPAttributeType { BGPAttributeType(rawValue: 4) }
    /// LOCAL_PREF, 5.
    @inlinable public static var localPreference: BGPAttributeType { BGPAttributeType(rawValue: 5) }
    /// COMMUNITIES (RFC 1997), 8.
    @inlinable public static var communities: BGPAttributeType { BGPAttributeType(rawValue: 8) }
    /// MP_REACH_NLRI (RFC 4760), 14.
    @inlinable public static var multiprotocolReachable: BGPAttributeType { BGPAttributeType(rawValue: 14) }
    /// MP_UNREACH_NLRI (RFC 4760), 15.
    @inlinable public static var multiprotocolUnreachable: BGPAttributeType { BGPAttributeType(rawValue: 15) }
    /// EXTENDED_COMMUNITIES (RFC 4360), 16.
    @inlinable public static var extendedCommunities: BGPAttributeType { BGPAttributeType(rawValue: 16) }
    /// AS4_PATH (RFC 6793), 17.
    @inlinable public static var as4Path: BGPAttributeType { BGPAttributeType(rawValue: 17) }

    /// The attribute's name as RFCs spell it, or its decimal number.
    public var description: String {
        switch rawValue {
        case 1: "ORIGIN"
        case 2: "AS_PATH"
        case 3: "NEXT_HOP"
        case 4: "MULTI_EXIT_DISC"
        case 5: "LOCAL_PREF"
        case 8: "COMMUNITIES"
        case 14: "MP_REACH_NLRI"
        case 15: "MP_UNREACH_NLRI"
        case 16: "EXTENDED_COMMUNITIES"
        case 17: "AS4_PATH"
        default: String(rawValue)
        }
    }
}

/// One path attribute: flags, type and value bytes.
public struct BGPPathAttribute {
    /// The flags byte.
    public let flags: UInt8
    /// The type code.
    public let type: BGPAttributeType
    /// The value bytes.
    public let value: UnsafeRawBufferPointer
    /// Where the attribute starts, from the start of the message.
    public let offset: Int

    /// Wraps an attribute's parts.
    @inlinable
    public init(flags: UInt8, type: BGPAttributeType, value: UnsafeRawBufferPointer, offset: Int) {
        self.flags = flags
        self.type = type
        self.value = value
        self.offset = offset
    }

    /// The Optional flag, 0x80.
    @inlinable public static var optionalFlag: UInt8 { 0x80 }
    /// The Transitive flag, 0x40.
    @inlinable public static var transitiveFlag: UInt8 { 0x40 }
    /// The Partial flag, 0x20.
    @inlinable public static var partialFlag: UInt8 { 0x20 }
    /// The Extended Length flag, 0x10.
    @inlinable public static var extendedLengthFlag: UInt8 { 0x10 }

    /// Whether the length field is 2 bytes.
    @inlinable public var isExtendedLength: Bool { flags & Self.extendedLengthFlag != 0 }
    /// Where the value starts, from the start of the message.
    @inlinable public var valueOffset: Int { offset + (isExtendedLength ? 4 : 3) }
}

/// Walks path attributes; each is checked to fit before it is returned, and an attribute whose
/// length runs past the end stops the walk with `truncated` (the ones before it stand).
public struct BGPPathAttributeIterator {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let base: Int
    @usableFromInline var offset = 0

    /// Walks the attributes in `bytes`, which start at `base` in the message.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, base: Int = 0) {
        self.bytes = bytes
        self.base = base
    }

    /// The next attribute, or nil at the end.
    @inlinable
    public mutating func next() throws(WireError) -> BGPPathAttribute? {
        guard offset < bytes.count else { return nil }
        let start = offset
        guard start + 3 <= bytes.count else { throw WireError(.truncated, at: base + bytes.count) }
        let flags = bytes.readUInt8(at: start)
        let extended = flags & BGPPathAttribute.extendedLengthFlag != 0
        let headerLength = extended ? 4 : 3
        guard start + headerLength <= bytes.count else { throw WireError(.truncated, at: base + bytes.count) }
        let length = extended ? Int(bytes.readUInt16(at: start + 2)) : Int(bytes.readUInt8(at: start + 2))
        let end = start + headerLength + length
        guard end <= bytes.count else { throw WireError(.truncated, at: base + bytes.count) }
        offset = end
        return BGPPathAttribute(flags: flags, type: BGPAttributeType(rawValue: bytes.readUInt8(at: start + 1)),
                                value: bytes.slice(from: start + headerLength, to: end), offset: base + start)
    }
}

/// Writes path attributes.
public enum BGPPathAttributeWriter {
    /// The bytes an attribute with a value of `valueLength` bytes takes (extended length above 255).
    @inlinable
    public static func length(valueLength: Int) -> Int { valueLength + (valueLength > 255 ? 4 : 3) }

    /// Writes flags, type and length at `offset` (setting Extended Length when the value needs
    /// it) and returns where the value goes.
    @inlinable
    public static func emitHeader(
        flags: UInt8, type: BGPAttributeType, valueLength: Int, into buffer: UnsafeMutableRawBufferPointer,
        at offset: Int
    ) throws(WireError) -> Int {
        guard valueLength <= 0xFFFF else { throw WireError(.invalidField, at: offset) }
        let extended = valueLength > 255 || flags & BGPPathAttribute.extendedLengthFlag != 0
        let headerLength = extended ? 4 : 3
        try requireLength(buffer.count, offset + headerLength + valueLength)
        buffer.writeUInt8(extended ? flags | BGPPathAttribute.extendedLengthFlag : flags, at: offset)
        buffer.writeUInt8(type.rawValue, at: offset + 1)
        if extended {
            buffer.writeUInt16(UInt16(valueLength), at: offset + 2)
        } else {
            buffer.writeUInt8(UInt8(valueLength), at: offset + 2)
        }
        return offset + headerLength
    }
}

/// An IP prefix: an address and a length in bits, and the ADD-PATH path identifier if any.
public struct BGPPrefix: Hashable, Sendable, CustomStringConvertible {
    /// The address, its bits past `length` zero.
    public var address: IPAddress
    /// The prefix length in bits.
    public var length: UInt8
    /// The RFC 7911 path identifier, when ADD-PATH is in use.
    public var pathIdentifier: UInt32?

    /// Creates a prefix.
    @inlinable
    public init(address: IPAddress, length: UInt8, pathIdentifier: UInt32? = nil) {
        self.address = address
        self.length = length
        self.pathIdentifier = pathIdentifier
    }

    /// `address/length`, as tshark shows it.
    public var description: String { "\(address)/\(length)" }
}

/// Walks the IPv4 or IPv6 prefixes of withdrawn routes, NLRI or an MP_(UN)REACH_NLRI of a
/// unicast family: (length in bits, then the fewest bytes that hold it). A prefix longer than
/// the address or running past the end stops the walk with an error.
public struct BGPPrefixIterator {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let isIPv6: Bool
    @usableFromInline let addPath: Bool
    @usableFromInline var offset = 0

    /// Walks `bytes` as IPv4 (or IPv6) prefixes, with path identifiers when `addPath`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, ipv6: Bool = false, addPath: Bool = false) {
        self.bytes = bytes
        self.isIPv6 = ipv6
        self.addPath = addPath
    }

    /// Whether `bytes` read as prefixes with path identifiers and not without them: how to
    /// tell ADD-PATH (RFC 7911) when the session's OPENs were not captured. A reading is valid
    /// when every prefix length fits the address, the bytes end with the last prefix, and the
    /// bits past each prefix length are zero.
    public static func likelyAddPath(_ bytes: UnsafeRawBufferPointer, ipv6: Bool = false) -> Bool {
        func valid(_ addPath: Bool) -> Bool {
            var at = 0
            while at < bytes.count {
                if addPath { at += 4 }
                guard at < bytes.count else { return false }
                let length = Int(bytes.readUInt8(at: at))
                guard length <= (ipv6 ? 128 : 32) else { return false }
                let byteCount = (length + 7) / 8
                guard at + 1 + byteCount <= bytes.count else { return false }
                if length % 8 != 0, bytes.readUInt8(at: at + byteCount) & (0xFF >> (length % 8)) != 0 { return false }
                at += 1 + byteCount
            }
            return true
        }
        return !bytes.isEmpty && valid(true) && !valid(false)
    }

    /// The next prefix, or nil at the end.
    public mutating func next() throws(WireError) -> BGPPrefix? {
        guard offset < bytes.count else { return nil }
        var at = offset
        var pathIdentifier: UInt32? = nil
        if addPath {
            guard at + 4 < bytes.count else { throw WireError(.truncated, at: bytes.count) }
            pathIdentifier = bytes.readUInt32(at: at)
            at += 4
        }
        let length = Int(bytes.readUInt8(at: at))
        guard length <= (isIPv6 ? 128 : 32) else { throw WireError(.invalidField, at: at) }
        let byteCount = (length + 7) / 8
        guard at + 1 + byteCount <= bytes.count else { throw WireError(.truncated, at: bytes.count) }
        var octets = [UInt8](repeating: 0, count: isIPv6 ? 16 : 4)
        for i in 0..<byteCount { octets[i] = bytes.readUInt8(at: at + 1 + i) }
        if length % 8 != 0 { octets[byteCount - 1] &= UInt8(truncatingIfNeeded: 0xFF00 >> (length % 8)) }
        offset = at + 1 + byteCount
        let address: IPAddress = octets.withUnsafeBytes { raw in
            isIPv6 ? .v6(IPv6Address(high: raw.readUInt64(at: 0), low: raw.readUInt64(at: 8)))
                : .v4(IPv4Address(rawValue: raw.readUInt32(at: 0)))
        }
        return BGPPrefix(address: address, length: UInt8(length), pathIdentifier: pathIdentifier)
    }
}
