// ICMP for IPv4 (RFC 792). The second word depends on the type; error messages carry the
// offending datagram's IP header and at least its first 8 data bytes after it:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |     Code      |           Checksum            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Rest of header: Identifier | Sequence (echo), Gateway       |
//  |   (redirect), unused | Next-Hop MTU (unreachable), Pointer... |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Data (errors: internet header + 64 bits of original data)   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the ICMPv4 header fields.
@usableFromInline
enum ICMPv4Field {
    @inlinable static var type: Int { 0 }
    @inlinable static var code: Int { 1 }
    @inlinable static var checksum: Int { 2 }
    @inlinable static var restOfHeader: Int { 4 }
    @inlinable static var identifier: Int { 4 }
    @inlinable static var sequenceNumber: Int { 6 }
    @inlinable static var pointer: Int { 4 }
    @inlinable static var nextHopMTU: Int { 6 }
    @inlinable static var data: Int { 8 }
}

/// An ICMPv4 message type.
public struct ICMPv4Type: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Echo Reply, 0.
    @inlinable public static var echoReply: ICMPv4Type { ICMPv4Type(rawValue: 0) }
    /// Destination Unreachable, 3.
    @inlinable public static var destinationUnreachable: ICMPv4Type { ICMPv4Type(rawValue: 3) }
    /// Source Quench, 4.
    @inlinable public static var sourceQuench: ICMPv4Type { ICMPv4Type(rawValue: 4) }
    /// Redirect, 5.
    @inlinable public static var redirect: ICMPv4Type { ICMPv4Type(rawValue: 5) }
    /// Echo Request, 8.
    @inlinable public static var echoRequest: ICMPv4Type { ICMPv4Type(rawValue: 8) }
    /// Router Advertisement, 9.
    @inlinable public static var routerAdvertisement: ICMPv4Type { ICMPv4Type(rawValue: 9) }
    /// Router Solicitation, 10.
    @inlinable public static var routerSolicitation: ICMPv4Type { ICMPv4Type(rawValue: 10) }
    /// Time Exceeded, 11.
    @inlinable public static var timeExceeded: ICMPv4Type { ICMPv4Type(rawValue: 11) }
    /// Parameter Problem, 12.
    @inlinable public static var parameterProblem: ICMPv4Type { ICMPv4Type(rawValue: 12) }
    /// Timestamp, 13.
    @inlinable public static var timestamp: ICMPv4Type { ICMPv4Type(rawValue: 13) }
    /// Timestamp Reply, 14.
    @inlinable public static var timestampReply: ICMPv4Type { ICMPv4Type(rawValue: 14) }

    /// Whether messages of this type are errors that quote an IP datagram (3, 4, 5, 11, 12).
    @inlinable public var isError: Bool {
        switch rawValue {
        case 3, 4, 5, 11, 12: true
        default: false
        }
    }

    /// Whether this is an echo or timestamp request or reply (identifier and sequence number).
    @inlinable public var isQuery: Bool {
        switch rawValue {
        case 0, 8, 13, 14: true
        default: false
        }
    }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 0: "echo-reply"
        case 3: "destination-unreachable"
        case 4: "source-quench"
        case 5: "redirect"
        case 8: "echo-request"
        case 9: "router-advertisement"
        case 10: "router-solicitation"
        case 11: "time-exceeded"
        case 12: "parameter-problem"
        case 13: "timestamp"
        case 14: "timestamp-reply"
        default: String(rawValue)
        }
    }
}

/// A read-only view of an ICMPv4 message.
public struct ICMPv4Packet {
    /// The message's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the header, 8 bytes.
    @inlinable public static var headerLength: Int { ICMPv4Field.data }

    /// Wraps `bytes` after checking that they hold the 8-byte header.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, ICMPv4Field.data)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The message type.
    @inlinable public var type: ICMPv4Type { ICMPv4Type(rawValue: bytes.readUInt8(at: ICMPv4Field.type)) }
    /// The code.
    @inlinable public var code: UInt8 { bytes.readUInt8(at: ICMPv4Field.code) }
    /// The checksum field.
    @inlinable public var checksum: UInt16 { bytes.readUInt16(at: ICMPv4Field.checksum) }
    /// The type-specific second word.
    @inlinable public var restOfHeader: UInt32 { bytes.readUInt32(at: ICMPv4Field.restOfHeader) }
    /// The identifier of an echo or timestamp message.
    @inlinable public var identifier: UInt16 { bytes.readUInt16(at: ICMPv4Field.identifier) }
    /// The sequence number of an echo or timestamp message.
    @inlinable public var sequenceNumber: UInt16 { bytes.readUInt16(at: ICMPv4Field.sequenceNumber) }
    /// The gateway address of a Redirect.
    @inlinable public var gatewayAddress: IPv4Address { IPv4Address(unchecked: bytes, at: ICMPv4Field.restOfHeader) }
    /// The Next-Hop MTU of a Destination Unreachable, code 4 (fragmentation needed).
    @inlinable public var nextHopMTU: UInt16 { bytes.readUInt16(at: ICMPv4Field.nextHopMTU) }
    /// The pointer of a Parameter Problem.
    @inlinable public var pointer: UInt8 { bytes.readUInt8(at: ICMPv4Field.pointer) }
    /// The bytes after the 8-byte header.
    @inlinable public var data: UnsafeRawBufferPointer { bytes.slice(from: ICMPv4Field.data) }
    /// Where the quoted IP header starts for an error message (8), or nil for other types.
    @inlinable public var embeddedPacketOffset: Int? { type.isError ? ICMPv4Field.data : nil }
    /// The quoted datagram of an error message, or nil for other types.
    @inlinable public var embeddedPacket: UnsafeRawBufferPointer? { type.isError ? data : nil }

    /// Whether the checksum over these bytes is correct.
    @inlinable public var isChecksumValid: Bool { Checksum.isValid(bytes) }
}

/// A mutable view of an ICMPv4 message, for the checksum an address translator updates.
///
/// Tolerant of truncation: `init(captured:)` takes a message cut anywhere, and the checksum
/// is updated only where its field was captured.
public struct MutableICMPv4Packet: CapturedChecksumField {
    /// The message's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `ICMPv4Packet`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, ICMPv4Field.data)
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
    @inlinable public var packet: ICMPv4Packet { ICMPv4Packet(uncheckedBytes: bytes.readOnly) }

    /// The checksum field, or nil if it was not captured.
    @inlinable public var capturedChecksum: UInt16? {
        bytes.count >= ICMPv4Field.restOfHeader ? bytes.readOnly.readUInt16(at: ICMPv4Field.checksum) : nil
    }

    /// The IP packet an error message quotes, as captured; nil for other types or when none
    /// of it was captured.
    @inlinable public var capturedQuotedPacket: MutableIPPacket? {
        guard bytes.count > ICMPv4Field.data,
              ICMPv4Type(rawValue: bytes.readOnly.readUInt8(at: ICMPv4Field.type)).isError else { return nil }
        return MutableIPPacket(captured: UnsafeMutableRawBufferPointer(rebasing: bytes[ICMPv4Field.data...]))
    }

    /// Sets the checksum field where captured.
    @inlinable
    public func setChecksum(_ value: UInt16) {
        guard bytes.count >= ICMPv4Field.restOfHeader else { return }
        bytes.writeUInt16(value, at: ICMPv4Field.checksum)
    }

    /// Sets the identifier and updates the checksum incrementally, where captured.
    @inlinable
    public func rewriteIdentifier(_ identifier: UInt16) {
        guard bytes.count >= ICMPv4Field.sequenceNumber else { return }
        updateChecksum(replacing: bytes.readOnly.readUInt16(at: ICMPv4Field.identifier), with: identifier)
        bytes.writeUInt16(identifier, at: ICMPv4Field.identifier)
    }

    /// Recomputes the checksum over the whole message from scratch.
    @inlinable
    public func fillChecksum() {
        setChecksum(0)
        setChecksum(Checksum.compute(bytes.readOnly))
    }
}

/// The header fields of an ICMPv4 message: type, code and the type-specific second word.
public struct ICMPv4Header: Hashable, Sendable {
    /// The message type.
    public var type: ICMPv4Type
    /// The code.
    public var code: UInt8
    /// The type-specific second word.
    public var restOfHeader: UInt32

    /// Creates a header from its fields.
    @inlinable
    public init(type: ICMPv4Type, code: UInt8 = 0, restOfHeader: UInt32 = 0) {
        self.type = type
        self.code = code
        self.restOfHeader = restOfHeader
    }

    /// Creates an echo request or reply header.
    @inlinable
    public init(echo type: ICMPv4Type, identifier: UInt16, sequenceNumber: UInt16) {
        self.init(type: type, code: 0, restOfHeader: UInt32(identifier) << 16 | UInt32(sequenceNumber))
    }

    /// Reads the header of a message.
    @inlinable
    public init(_ packet: ICMPv4Packet) {
        self.init(type: packet.type, code: packet.code, restOfHeader: packet.restOfHeader)
    }

    /// The identifier of an echo or timestamp message.
    @inlinable public var identifier: UInt16 { UInt16(truncatingIfNeeded: restOfHeader >> 16) }
    /// The sequence number of an echo or timestamp message.
    @inlinable public var sequenceNumber: UInt16 { UInt16(truncatingIfNeeded: restOfHeader) }

    /// The length of the emitted header, 8 bytes.
    @inlinable public var headerLength: Int { ICMPv4Field.data }

    /// Writes the header at the start of `buffer` with a zero checksum (see
    /// `MutableICMPv4Packet.fillChecksum`, which covers the data too).
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, ICMPv4Field.data)
        buffer.writeUInt8(type.rawValue, at: ICMPv4Field.type)
        buffer.writeUInt8(code, at: ICMPv4Field.code)
        buffer.writeUInt16(0, at: ICMPv4Field.checksum)
        buffer.writeUInt32(restOfHeader, at: ICMPv4Field.restOfHeader)
    }
}
