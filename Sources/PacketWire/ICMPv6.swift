// ICMPv6 (RFC 4443 section 2.1); the checksum covers an IPv6 pseudo-header. Error messages
// (types below 128) quote as much of the offending packet as fits, from its IPv6 header on:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |     Code      |           Checksum            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Message body: Identifier | Sequence (echo), MTU (too big),  |
//  |  Pointer (parameter problem), flags and reserved (ND)         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Rest of the message (errors: the quoted packet; ND: below)   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Neighbor Discovery messages (RFC 4861 section 4) continue the header as follows:
//   Router Solicitation (133):    Reserved (4); options at 8
//   Router Advertisement (134):   Cur Hop Limit (1) |M|O|Reserved (1) Router Lifetime (2),
//                                 Reachable Time (4) at 8, Retrans Timer (4) at 12; options at 16
//   Neighbor Solicitation (135):  Reserved (4); Target Address (16) at 8; options at 24
//   Neighbor Advertisement (136): |R|S|O| Reserved (29 bits); Target Address (16) at 8; options at 24
//   Redirect (137):               Reserved (4); Target (16) at 8; Destination (16) at 24; options at 40

/// Byte offsets of the ICMPv6 header fields, including those of Neighbor Discovery.
@usableFromInline
enum ICMPv6Field {
    @inlinable static var type: Int { 0 }
    @inlinable static var code: Int { 1 }
    @inlinable static var checksum: Int { 2 }
    @inlinable static var messageBody: Int { 4 }
    @inlinable static var identifier: Int { 4 }
    @inlinable static var sequenceNumber: Int { 6 }
    @inlinable static var data: Int { 8 }
    @inlinable static var currentHopLimit: Int { 4 }
    @inlinable static var routerFlags: Int { 5 }
    @inlinable static var routerLifetime: Int { 6 }
    @inlinable static var reachableTime: Int { 8 }
    @inlinable static var retransmitTimer: Int { 12 }
    @inlinable static var routerAdvertisementOptions: Int { 16 }
    @inlinable static var neighborFlags: Int { 4 }
    @inlinable static var targetAddress: Int { 8 }
    @inlinable static var neighborOptions: Int { 24 }
    @inlinable static var redirectDestination: Int { 24 }
    @inlinable static var redirectOptions: Int { 40 }
}

/// An ICMPv6 message type.
public struct ICMPv6Type: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Destination Unreachable, 1.
    @inlinable public static var destinationUnreachable: ICMPv6Type { ICMPv6Type(rawValue: 1) }
    /// Packet Too Big, 2.
    @inlinable public static var packetTooBig: ICMPv6Type { ICMPv6Type(rawValue: 2) }
    /// Time Exceeded, 3.
    @inlinable public static var timeExceeded: ICMPv6Type { ICMPv6Type(rawValue: 3) }
    /// Parameter Problem, 4.
    @inlinable public static var parameterProblem: ICMPv6Type { ICMPv6Type(rawValue: 4) }
    /// Echo Request, 128.
    @inlinable public static var echoRequest: ICMPv6Type { ICMPv6Type(rawValue: 128) }
    /// Echo Reply, 129.
    @inlinable public static var echoReply: ICMPv6Type { ICMPv6Type(rawValue: 129) }
    /// Router Solicitation, 133.
    @inlinable public static var routerSolicitation: ICMPv6Type { ICMPv6Type(rawValue: 133) }
    /// Router Advertisement, 134.
    @inlinable public static var routerAdvertisement: ICMPv6Type { ICMPv6Type(rawValue: 134) }
    /// Neighbor Solicitation, 135.
    @inlinable public static var neighborSolicitation: ICMPv6Type { ICMPv6Type(rawValue: 135) }
    /// Neighbor Advertisement, 136.
    @inlinable public static var neighborAdvertisement: ICMPv6Type { ICMPv6Type(rawValue: 136) }
    /// Redirect, 137.
    @inlinable public static var redirect: ICMPv6Type { ICMPv6Type(rawValue: 137) }

    /// Whether messages of this type are errors that quote a packet (types below 128).
    @inlinable public var isError: Bool { rawValue < 128 }

    /// Whether this is a Neighbor Discovery message (133...137).
    @inlinable public var isNeighborDiscovery: Bool { rawValue >= 133 && rawValue <= 137 }

    /// The smallest valid length of a message of this type (RFC 4443, RFC 4861).
    @inlinable public var minimumLength: Int {
        switch rawValue {
        case 134: ICMPv6Field.routerAdvertisementOptions
        case 135, 136: ICMPv6Field.neighborOptions
        case 137: ICMPv6Field.redirectOptions
        default: ICMPv6Field.data
        }
    }

    /// Where the Neighbor Discovery options start for this type, or nil.
    @inlinable public var optionsOffset: Int? {
        switch rawValue {
        case 133: ICMPv6Field.data
        case 134: ICMPv6Field.routerAdvertisementOptions
        case 135, 136: ICMPv6Field.neighborOptions
        case 137: ICMPv6Field.redirectOptions
        default: nil
        }
    }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 1: "destination-unreachable"
        case 2: "packet-too-big"
        case 3: "time-exceeded"
        case 4: "parameter-problem"
        case 128: "echo-request"
        case 129: "echo-reply"
        case 133: "router-solicitation"
        case 134: "router-advertisement"
        case 135: "neighbor-solicitation"
        case 136: "neighbor-advertisement"
        case 137: "redirect"
        default: String(rawValue)
        }
    }
}

/// A read-only view of an ICMPv6 message.
///
/// The checked constructor proves the 8-byte header and, for Neighbor Discovery types, the
/// fixed part of the message are present, so the type-specific accessors (which return nil
/// for other types) never read past the bytes.
public struct ICMPv6Packet {
    /// The message's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps `bytes` after checking the length the message's type requires.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, ICMPv6Field.data)
        self.bytes = bytes
        try requireLength(bytes.count, type.minimumLength)
    }

    /// Wraps `bytes` that the caller has checked as the checked constructor does.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The message type.
    @inlinable public var type: ICMPv6Type { ICMPv6Type(rawValue: bytes.readUInt8(at: ICMPv6Field.type)) }
    /// The code.
    @inlinable public var code: UInt8 { bytes.readUInt8(at: ICMPv6Field.code) }
    /// The checksum field.
    @inlinable public var checksum: UInt16 { bytes.readUInt16(at: ICMPv6Field.checksum) }
    /// The first word of the message body.
    @inlinable public var messageBody: UInt32 { bytes.readUInt32(at: ICMPv6Field.messageBody) }
    /// The identifier of an echo message.
    @inlinable public var identifier: UInt16 { bytes.readUInt16(at: ICMPv6Field.identifier) }
    /// The sequence number of an echo message.
    @inlinable public var sequenceNumber: UInt16 { bytes.readUInt16(at: ICMPv6Field.sequenceNumber) }
    /// The MTU of a Packet Too Big message (the pointer of a Parameter Problem).
    @inlinable public var mtu: UInt32 { messageBody }
    /// The bytes after the first 8.
    @inlinable public var data: UnsafeRawBufferPointer { bytes.slice(from: ICMPv6Field.data) }
    /// Where the quoted IPv6 packet starts for an error message (8), or nil for other types.
    @inlinable public var embeddedPacketOffset: Int? { type.isError ? ICMPv6Field.data : nil }
    /// The quoted packet of an error message, or nil for other types.
    @inlinable public var embeddedPacket: UnsafeRawBufferPointer? { type.isError ? data : nil }

    /// The Target Address of a Neighbor Solicitation, Neighbor Advertisement or Redirect.
    @inlinable public var targetAddress: IPv6Address? {
        switch type.rawValue {
        case 135, 136, 137: IPv6Address(unchecked: bytes, at: ICMPv6Field.targetAddress)
        default: nil
        }
    }
    /// The Destination Address of a Redirect.
    @inlinable public var redirectDestinationAddress: IPv6Address? {
        type == .redirect ? IPv6Address(unchecked: bytes, at: ICMPv6Field.redirectDestination) : nil
    }
    /// The R, S and O flags of a Neighbor Advertisement.
    @inlinable public var neighborAdvertisementFlags: NeighborAdvertisementFlags? {
        type == .neighborAdvertisement
            ? NeighborAdvertisementFlags(rawValue: bytes.readUInt8(at: ICMPv6Field.neighborFlags)) : nil
    }
    /// The Neighbor Discovery options (empty for other types).
    @inlinable public var options: NDPOptions {
        guard let offset = type.optionsOffset else { return NDPOptions(bytes.slice(from: bytes.count)) }
        return NDPOptions(bytes.slice(from: offset))
    }
    /// The first Source Link-Layer Address option holding a MAC address.
    @inlinable public var sourceLinkLayerAddress: MACAddress? { linkLayerAddress(of: .sourceLinkLayerAddress) }
    /// The first Target Link-Layer Address option holding a MAC address.
    @inlinable public var targetLinkLayerAddress: MACAddress? { linkLayerAddress(of: .targetLinkLayerAddress) }

    /// The MAC address in the first option of `type` that holds one.
    @inlinable
    internal func linkLayerAddress(of type: NDPOptionType) -> MACAddress? {
        for option in options where option.type == type {
            if let address = option.linkLayerAddress { return address }
        }
        return nil
    }

    /// Whether the checksum over these bytes is correct for a pseudo-header sum.
    @inlinable
    public func isChecksumValid(pseudoHeaderSum: UInt16) -> Bool {
        Checksum.isValid(bytes, pseudoHeaderSum: pseudoHeaderSum)
    }
}

/// A mutable view of an ICMPv6 message, for the checksum an address translator updates.
///
/// Tolerant of truncation: `init(captured:)` takes a message cut anywhere, and the checksum
/// is updated only where its field was captured.
public struct MutableICMPv6Packet: CapturedChecksumField {
    /// The message's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `ICMPv6Packet`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        _ = try ICMPv6Packet(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked as the checked constructor does.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Wraps the bytes of a message as captured, checking nothing.
    @inlinable
    public init(captured bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A read-only view of the same message (after the checked constructor only).
    @inlinable public var packet: ICMPv6Packet { ICMPv6Packet(uncheckedBytes: bytes.readOnly) }

    /// The checksum field, or nil if it was not captured.
    @inlinable public var capturedChecksum: UInt16? {
        bytes.count >= ICMPv6Field.messageBody ? bytes.readOnly.readUInt16(at: ICMPv6Field.checksum) : nil
    }

    /// The IP packet an error message quotes, as captured; nil for other types or when none
    /// of it was captured.
    @inlinable public var capturedQuotedPacket: MutableIPPacket? {
        guard bytes.count > ICMPv6Field.data,
              ICMPv6Type(rawValue: bytes.readOnly.readUInt8(at: ICMPv6Field.type)).isError else { return nil }
        return MutableIPPacket(captured: UnsafeMutableRawBufferPointer(rebasing: bytes[ICMPv6Field.data...]))
    }

    /// Sets the checksum field where captured.
    @inlinable
    public func setChecksum(_ value: UInt16) {
        guard bytes.count >= ICMPv6Field.messageBody else { return }
        bytes.writeUInt16(value, at: ICMPv6Field.checksum)
    }

    /// Updates the checksum, where captured, for a pseudo-header address that changed.
    @inlinable
    public func updateChecksum(replacing old: IPv6Address, with new: IPv6Address) {
        updateChecksum(replacing: .v6(old), with: .v6(new))
    }

    /// Recomputes the checksum over the whole message from scratch.
    @inlinable
    public func fillChecksum(pseudoHeaderSum: UInt16) {
        setChecksum(0)
        setChecksum(Checksum.compute(bytes.readOnly, pseudoHeaderSum: pseudoHeaderSum))
    }
}

/// The header fields of an ICMPv6 message: type, code and the first word of the body.
public struct ICMPv6Header: Hashable, Sendable {
    /// The message type.
    public var type: ICMPv6Type
    /// The code.
    public var code: UInt8
    /// The first word of the message body.
    public var messageBody: UInt32

    /// Creates a header from its fields.
    @inlinable
    public init(type: ICMPv6Type, code: UInt8 = 0, messageBody: UInt32 = 0) {
        self.type = type
        self.code = code
        self.messageBody = messageBody
    }

    /// Creates an echo request or reply header.
    @inlinable
    public init(echo type: ICMPv6Type, identifier: UInt16, sequenceNumber: UInt16) {
        self.init(type: type, code: 0, messageBody: UInt32(identifier) << 16 | UInt32(sequenceNumber))
    }

    /// Reads the header of a message.
    @inlinable
    public init(_ packet: ICMPv6Packet) {
        self.init(type: packet.type, code: packet.code, messageBody: packet.messageBody)
    }

    /// The length of the emitted header, 8 bytes.
    @inlinable public var headerLength: Int { ICMPv6Field.data }

    /// Writes the header at the start of `buffer` with a zero checksum (see
    /// `MutableICMPv6Packet.fillChecksum`).
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, ICMPv6Field.data)
        buffer.writeUInt8(type.rawValue, at: ICMPv6Field.type)
        buffer.writeUInt8(code, at: ICMPv6Field.code)
        buffer.writeUInt16(0, at: ICMPv6Field.checksum)
        buffer.writeUInt32(messageBody, at: ICMPv6Field.messageBody)
    }
}
