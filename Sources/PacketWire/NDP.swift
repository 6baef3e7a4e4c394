// Neighbor Discovery option (RFC 4861 section 4.6); Length counts 8-byte units, type and
// length included, and 0 is invalid:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |    Length     |              ...              |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Source/Target Link-Layer Address (types 1 and 2) on Ethernet, Length 1:
//  |     Type      |    Length     |    Link-Layer Address (6) ... |
//
// MTU (type 5), Length 1:
//  |     Type      |    Length     |           Reserved            |
//  |                              MTU                              |

/// Byte offsets of the Neighbor Discovery option fields.
@usableFromInline
enum NDPOptionField {
    @inlinable static var type: Int { 0 }
    @inlinable static var length: Int { 1 }
    @inlinable static var linkLayerAddress: Int { 2 }
    @inlinable static var mtu: Int { 4 }
    @inlinable static var unit: Int { 8 }
}

/// A Neighbor Discovery option type.
public struct NDPOptionType: RawRepresentable, Hashable, Sendable {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Source Link-Layer Address, 1.
    @inlinable public static var sourceLinkLayerAddress: NDPOptionType { NDPOptionType(rawValue: 1) }
    /// Target Link-Layer Address, 2.
    @inlinable public static var targetLinkLayerAddress: NDPOptionType { NDPOptionType(rawValue: 2) }
    /// Prefix Information, 3.
    @inlinable public static var prefixInformation: NDPOptionType { NDPOptionType(rawValue: 3) }
    /// Redirected Header, 4.
    @inlinable public static var redirectedHeader: NDPOptionType { NDPOptionType(rawValue: 4) }
    /// MTU, 5.
    @inlinable public static var mtu: NDPOptionType { NDPOptionType(rawValue: 5) }
}

/// The R, S and O flags of a Neighbor Advertisement (the high bits of its fifth byte).
public struct NeighborAdvertisementFlags: OptionSet, Hashable, Sendable {
    /// The flags byte; only its three high bits are kept.
    public let rawValue: UInt8

    /// Wraps a flags byte.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0xE0 }

    /// R: the sender is a router.
    @inlinable public static var router: NeighborAdvertisementFlags { NeighborAdvertisementFlags(rawValue: 0x80) }
    /// S: sent in response to a Neighbor Solicitation.
    @inlinable public static var solicited: NeighborAdvertisementFlags { NeighborAdvertisementFlags(rawValue: 0x40) }
    /// O: override an existing cache entry.
    @inlinable public static var override: NeighborAdvertisementFlags { NeighborAdvertisementFlags(rawValue: 0x20) }
}

/// One Neighbor Discovery option.
public struct NDPOption {
    /// The option's bytes, type and length included.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps an option's bytes (at least 8, as the iterator guarantees).
    @inlinable
    internal init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The option type.
    @inlinable public var type: NDPOptionType { NDPOptionType(rawValue: bytes.readUInt8(at: NDPOptionField.type)) }
    /// The option's length in bytes.
    @inlinable public var length: Int { bytes.count }
    /// The bytes after type and length.
    @inlinable public var data: UnsafeRawBufferPointer { bytes.slice(from: NDPOptionField.linkLayerAddress) }
    /// The MAC address of a link-layer address option of length 1 (8 bytes), else nil.
    @inlinable public var linkLayerAddress: MACAddress? {
        let type = self.type
        guard type == .sourceLinkLayerAddress || type == .targetLinkLayerAddress, bytes.count == 8 else { return nil }
        return MACAddress(unchecked: bytes, at: NDPOptionField.linkLayerAddress)
    }
    /// The MTU of an MTU option, else nil.
    @inlinable public var mtu: UInt32? {
        type == .mtu && bytes.count == 8 ? bytes.readUInt32(at: NDPOptionField.mtu) : nil
    }
}

/// The options of a Neighbor Discovery message, as a sequence that never allocates.
///
/// Iteration ends at the end of the bytes or at a malformed option (length 0 or past the end).
public struct NDPOptions: Sequence, IteratorProtocol {
    @usableFromInline var bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int

    /// Iterates the options in `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The next option, or nil.
    @inlinable
    public mutating func next() -> NDPOption? {
        guard offset + NDPOptionField.unit <= bytes.count else { return nil }
        let length = Int(bytes.readUInt8(at: offset + NDPOptionField.length)) &* NDPOptionField.unit
        guard length > 0, offset + length <= bytes.count else {
            offset = bytes.count
            return nil
        }
        let option = NDPOption(uncheckedBytes: bytes.slice(from: offset, to: offset + length))
        offset += length
        return option
    }
}

/// Writes a link-layer address option of length 1 at `offset` without a bounds check.
@inlinable
internal func emitLinkLayerAddressOption(
    _ type: NDPOptionType, _ address: MACAddress, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
) {
    buffer.writeUInt8(type.rawValue, at: offset + NDPOptionField.type)
    buffer.writeUInt8(1, at: offset + NDPOptionField.length)
    address.write(to: buffer, at: offset + NDPOptionField.linkLayerAddress)
}

/// The fields of a Neighbor Solicitation.
public struct NeighborSolicitation: Hashable, Sendable {
    /// The address whose link-layer address is sought.
    public var targetAddress: IPv6Address
    /// The sender's MAC address from a Source Link-Layer Address option.
    public var sourceLinkLayerAddress: MACAddress?

    /// Creates a solicitation from its fields.
    @inlinable
    public init(targetAddress: IPv6Address, sourceLinkLayerAddress: MACAddress? = nil) {
        self.targetAddress = targetAddress
        self.sourceLinkLayerAddress = sourceLinkLayerAddress
    }

    /// Reads a Neighbor Solicitation; `invalidField` for another type or a non-zero code.
    @inlinable
    public init(_ packet: ICMPv6Packet) throws(WireError) {
        guard packet.type == .neighborSolicitation else { throw WireError(.invalidField, at: ICMPv6Field.type) }
        guard packet.code == 0 else { throw WireError(.invalidField, at: ICMPv6Field.code) }
        self.init(
            targetAddress: IPv6Address(unchecked: packet.bytes, at: ICMPv6Field.targetAddress),
            sourceLinkLayerAddress: packet.sourceLinkLayerAddress)
    }

    /// The length of the emitted message.
    @inlinable public var length: Int { ICMPv6Field.neighborOptions + (sourceLinkLayerAddress == nil ? 0 : 8) }

    /// Writes the whole message at the start of `buffer`, with a zero checksum.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, length)
        try ICMPv6Header(type: .neighborSolicitation).emit(into: buffer)
        targetAddress.write(to: buffer, at: ICMPv6Field.targetAddress)
        if let sourceLinkLayerAddress {
            emitLinkLayerAddressOption(.sourceLinkLayerAddress, sourceLinkLayerAddress, into: buffer, at: ICMPv6Field.neighborOptions)
        }
    }
}

/// The fields of a Neighbor Advertisement.
public struct NeighborAdvertisement: Hashable, Sendable {
    /// The R, S and O flags.
    public var flags: NeighborAdvertisementFlags
    /// The address being advertised.
    public var targetAddress: IPv6Address
    /// The advertised MAC address from a Target Link-Layer Address option.
    public var targetLinkLayerAddress: MACAddress?

    /// Creates an advertisement from its fields.
    @inlinable
    public init(flags: NeighborAdvertisementFlags, targetAddress: IPv6Address, targetLinkLayerAddress: MACAddress? = nil) {
        self.flags = flags
        self.targetAddress = targetAddress
        self.targetLinkLayerAddress = targetLinkLayerAddress
    }

    /// Reads a Neighbor Advertisement; `invalidField` for another type or a non-zero code.
    @inlinable
    public init(_ packet: ICMPv6Packet) throws(WireError) {
        guard packet.type == .neighborAdvertisement else { throw WireError(.invalidField, at: ICMPv6Field.type) }
        guard packet.code == 0 else { throw WireError(.invalidField, at: ICMPv6Field.code) }
        self.init(
            flags: NeighborAdvertisementFlags(rawValue: packet.bytes.readUInt8(at: ICMPv6Field.neighborFlags)),
            targetAddress: IPv6Address(unchecked: packet.bytes, at: ICMPv6Field.targetAddress),
            targetLinkLayerAddress: packet.targetLinkLayerAddress)
    }

    /// Whether this is unsolicited (S clear), as after an address change.
    @inlinable public var isUnsolicited: Bool { !flags.contains(.solicited) }

    /// The length of the emitted message.
    @inlinable public var length: Int { ICMPv6Field.neighborOptions + (targetLinkLayerAddress == nil ? 0 : 8) }

    /// Writes the whole message at the start of `buffer`, with a zero checksum.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, length)
        try ICMPv6Header(type: .neighborAdvertisement, messageBody: UInt32(flags.rawValue) << 24).emit(into: buffer)
        targetAddress.write(to: buffer, at: ICMPv6Field.targetAddress)
        if let targetLinkLayerAddress {
            emitLinkLayerAddressOption(.targetLinkLayerAddress, targetLinkLayerAddress, into: buffer, at: ICMPv6Field.neighborOptions)
        }
    }
}

/// The fields of a Router Solicitation.
public struct RouterSolicitation: Hashable, Sendable {
    /// The sender's MAC address from a Source Link-Layer Address option.
    public var sourceLinkLayerAddress: MACAddress?

    /// Creates a solicitation from its fields.
    @inlinable
    public init(sourceLinkLayerAddress: MACAddress? = nil) {
        self.sourceLinkLayerAddress = sourceLinkLayerAddress
    }

    /// Reads a Router Solicitation; `invalidField` for another type or a non-zero code.
    @inlinable
    public init(_ packet: ICMPv6Packet) throws(WireError) {
        guard packet.type == .routerSolicitation else { throw WireError(.invalidField, at: ICMPv6Field.type) }
        guard packet.code == 0 else { throw WireError(.invalidField, at: ICMPv6Field.code) }
        self.init(sourceLinkLayerAddress: packet.sourceLinkLayerAddress)
    }

    /// The length of the emitted message.
    @inlinable public var length: Int { ICMPv6Field.data + (sourceLinkLayerAddress == nil ? 0 : 8) }

    /// Writes the whole message at the start of `buffer`, with a zero checksum.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, length)
        try ICMPv6Header(type: .routerSolicitation).emit(into: buffer)
        if let sourceLinkLayerAddress {
            emitLinkLayerAddressOption(.sourceLinkLayerAddress, sourceLinkLayerAddress, into: buffer, at: ICMPv6Field.data)
        }
    }
}

/// The fields of a Router Advertisement (prefix and other options are not kept).
public struct RouterAdvertisement: Hashable, Sendable {
    /// The hop limit hosts should use (0: unspecified).
    public var currentHopLimit: UInt8
    /// M: addresses are available through DHCPv6.
    public var managedAddressConfiguration: Bool
    /// O: other configuration is available through DHCPv6.
    public var otherConfiguration: Bool
    /// How long the router is a default router, in seconds.
    public var routerLifetime: UInt16
    /// Reachable Time in milliseconds.
    public var reachableTime: UInt32
    /// Retrans Timer in milliseconds.
    public var retransmitTimer: UInt32
    /// The router's MAC address from a Source Link-Layer Address option.
    public var sourceLinkLayerAddress: MACAddress?
    /// The link MTU from an MTU option.
    public var mtu: UInt32?

    /// Creates an advertisement from its fields.
    @inlinable
    public init(
        currentHopLimit: UInt8, managedAddressConfiguration: Bool = false, otherConfiguration: Bool = false,
        routerLifetime: UInt16, reachableTime: UInt32 = 0, retransmitTimer: UInt32 = 0,
        sourceLinkLayerAddress: MACAddress? = nil, mtu: UInt32? = nil
    ) {
        self.currentHopLimit = currentHopLimit
        self.managedAddressConfiguration = managedAddressConfiguration
        self.otherConfiguration = otherConfiguration
        self.routerLifetime = routerLifetime
        self.reachableTime = reachableTime
        self.retransmitTimer = retransmitTimer
        self.sourceLinkLayerAddress = sourceLinkLayerAddress
        self.mtu = mtu
    }

    /// Reads a Router Advertisement; `invalidField` for another type or a non-zero code.
    @inlinable
    public init(_ packet: ICMPv6Packet) throws(WireError) {
        guard packet.type == .routerAdvertisement else { throw WireError(.invalidField, at: ICMPv6Field.type) }
        guard packet.code == 0 else { throw WireError(.invalidField, at: ICMPv6Field.code) }
        let bytes = packet.bytes
        let flags = bytes.readUInt8(at: ICMPv6Field.routerFlags)
        var mtu: UInt32? = nil
        for option in packet.options where option.type == .mtu {
            mtu = option.mtu
            break
        }
        self.init(
            currentHopLimit: bytes.readUInt8(at: ICMPv6Field.currentHopLimit),
            managedAddressConfiguration: flags & 0x80 != 0, otherConfiguration: flags & 0x40 != 0,
            routerLifetime: bytes.readUInt16(at: ICMPv6Field.routerLifetime),
            reachableTime: bytes.readUInt32(at: ICMPv6Field.reachableTime),
            retransmitTimer: bytes.readUInt32(at: ICMPv6Field.retransmitTimer),
            sourceLinkLayerAddress: packet.sourceLinkLayerAddress, mtu: mtu)
    }

    /// The length of the emitted message.
    @inlinable public var length: Int {
        ICMPv6Field.routerAdvertisementOptions + (sourceLinkLayerAddress == nil ? 0 : 8) + (mtu == nil ? 0 : 8)
    }

    /// Writes the whole message at the start of `buffer`, with a zero checksum; options in the
    /// order source link-layer address, MTU.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, length)
        let flags: UInt32 = (managedAddressConfiguration ? 0x80 : 0) | (otherConfiguration ? 0x40 : 0)
        let body = UInt32(currentHopLimit) << 24 | flags << 16 | UInt32(routerLifetime)
        try ICMPv6Header(type: .routerAdvertisement, messageBody: body).emit(into: buffer)
        buffer.writeUInt32(reachableTime, at: ICMPv6Field.reachableTime)
        buffer.writeUInt32(retransmitTimer, at: ICMPv6Field.retransmitTimer)
        var offset = ICMPv6Field.routerAdvertisementOptions
        if let sourceLinkLayerAddress {
            emitLinkLayerAddressOption(.sourceLinkLayerAddress, sourceLinkLayerAddress, into: buffer, at: offset)
            offset += 8
        }
        if let mtu {
            buffer.writeUInt8(NDPOptionType.mtu.rawValue, at: offset + NDPOptionField.type)
            buffer.writeUInt8(1, at: offset + NDPOptionField.length)
            buffer.writeUInt16(0, at: offset + NDPOptionField.linkLayerAddress)
            buffer.writeUInt32(mtu, at: offset + NDPOptionField.mtu)
        }
    }
}
