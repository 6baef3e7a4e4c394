// IPv6 header (RFC 8200 section 3):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version| Traffic Class |              Flow Label               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Payload Length        |  Next Header  |   Hop Limit   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                                                               |
//  +                                                               +
//  |                                                               |
//  +                         Source Address                        +
//  |                                                               |
//  +                                                               +
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                                                               |
//  +                                                               +
//  |                                                               |
//  +                      Destination Address                      +
//  |                                                               |
//  +                                                               +
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the IPv6 header fields.
@usableFromInline
enum IPv6Field {
    @inlinable static var versionClassAndFlowLabel: Int { 0 }
    @inlinable static var payloadLength: Int { 4 }
    @inlinable static var nextHeader: Int { 6 }
    @inlinable static var hopLimit: Int { 7 }
    @inlinable static var sourceAddress: Int { 8 }
    @inlinable static var destinationAddress: Int { 24 }
    @inlinable static var payload: Int { 40 }
}

/// A read-only view of an IPv6 packet.
///
/// The checked constructor proves the 40-byte header is present. The Payload Length may claim
/// more bytes than were captured: `payload` then holds what is there and `isTruncated` is true.
/// Bytes past Payload Length (an Ethernet trailer) are not payload. A Payload Length of 0 means
/// "up to the end of the bytes" only where it can: before a Hop-by-Hop header (a jumbogram,
/// RFC 2675) or TCP (BIG TCP and TSO captures); before anything else the payload is empty
/// (`hasInvalidZeroLength`), as tshark ("malformed") and tcpdump ("length 0 (invalid)") read it.
public struct IPv6Packet {
    /// The packet's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the fixed header, 40 bytes.
    @inlinable public static var headerLength: Int { IPv6Field.payload }

    /// Wraps `bytes` after checking the length and the version.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, IPv6Field.payload)
        self.bytes = bytes
        guard version == 6 else { throw WireError(.invalidField, at: IPv6Field.versionClassAndFlowLabel) }
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The version field (6).
    @inlinable public var version: UInt8 { bytes.readUInt8(at: IPv6Field.versionClassAndFlowLabel) >> 4 }
    /// The Traffic Class (DSCP and ECN).
    @inlinable public var trafficClass: UInt8 {
        UInt8(truncatingIfNeeded: bytes.readUInt32(at: IPv6Field.versionClassAndFlowLabel) >> 20)
    }
    /// The 20-bit Flow Label.
    @inlinable public var flowLabel: UInt32 {
        bytes.readUInt32(at: IPv6Field.versionClassAndFlowLabel) & 0xF_FFFF
    }
    /// The Payload Length field: extension headers and data after the fixed header.
    @inlinable public var payloadLength: Int { Int(bytes.readUInt16(at: IPv6Field.payloadLength)) }
    /// The type of the first header after the fixed header.
    @inlinable public var nextHeader: IPProtocol { IPProtocol(rawValue: bytes.readUInt8(at: IPv6Field.nextHeader)) }
    /// The Hop Limit.
    @inlinable public var hopLimit: UInt8 { bytes.readUInt8(at: IPv6Field.hopLimit) }
    /// The source address.
    @inlinable public var sourceAddress: IPv6Address { IPv6Address(unchecked: bytes, at: IPv6Field.sourceAddress) }
    /// The destination address.
    @inlinable public var destinationAddress: IPv6Address {
        IPv6Address(unchecked: bytes, at: IPv6Field.destinationAddress)
    }
    /// Whether a Payload Length of 0 means "up to the end of the bytes": a jumbogram
    /// (Hop-by-Hop header next) or a segmentation-offload capture (TCP next).
    @inlinable public var extendsToEndOfBytes: Bool {
        payloadLength == 0 && (nextHeader == .hopByHop || nextHeader == .tcp)
    }
    /// Whether Payload Length is 0 where it cannot mean "to the end" and bytes follow the header.
    @inlinable public var hasInvalidZeroLength: Bool {
        payloadLength == 0 && !extendsToEndOfBytes && bytes.count > IPv6Field.payload
    }
    /// The end of the packet within `bytes`: 40 plus Payload Length, capped at the captured bytes.
    @inlinable public var endOffset: Int {
        let length = payloadLength
        if length == 0 { return extendsToEndOfBytes ? bytes.count : IPv6Field.payload }
        let end = IPv6Field.payload &+ length
        return end > bytes.count ? bytes.count : end
    }
    /// Whether Payload Length claims more bytes than were captured.
    @inlinable public var isTruncated: Bool { IPv6Field.payload &+ payloadLength > bytes.count }
    /// The captured bytes after the fixed header, up to Payload Length.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: IPv6Field.payload, to: endOffset) }

    /// Walks the extension headers to the upper-layer header (see `IPv6HeaderChain`).
    @inlinable
    public func headerChain() throws(WireError) -> IPv6HeaderChain {
        do {
            return try IPv6HeaderChain(walking: payload, firstHeader: nextHeader)
        } catch {
            throw error.shifted(by: IPv6Field.payload)
        }
    }
}

/// A mutable view of an IPv6 packet, for the fields an address translator rewrites.
///
/// IPv6 has no header checksum: after an address change, update the upper layer's checksum
/// (`capturedUpperLayer`). Tolerant of truncation as `MutableIPv4Packet` is: `init(captured:)`
/// takes a packet cut anywhere, and a member writes a field only where it was captured whole.
/// `packet` (the read-only view) needs the checked constructor.
public struct MutableIPv6Packet {
    /// The packet's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `IPv6Packet`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        _ = try IPv6Packet(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Wraps the bytes of an IPv6 packet as captured, from its first byte, checking nothing:
    /// the members below act on what is there.
    @inlinable
    public init(captured bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A read-only view of the same packet (after the checked constructor only).
    @inlinable public var packet: IPv6Packet { IPv6Packet(uncheckedBytes: bytes.readOnly) }

    /// The source address, or nil if it was not captured whole.
    @inlinable public var capturedSourceAddress: IPv6Address? {
        bytes.count >= IPv6Field.destinationAddress
            ? IPv6Address(unchecked: bytes.readOnly, at: IPv6Field.sourceAddress) : nil
    }

    /// The destination address, or nil if it was not captured whole.
    @inlinable public var capturedDestinationAddress: IPv6Address? {
        bytes.count >= IPv6Field.payload
            ? IPv6Address(unchecked: bytes.readOnly, at: IPv6Field.destinationAddress) : nil
    }

    /// Sets the source address where captured whole.
    @inlinable
    public func setSourceAddress(_ address: IPv6Address) {
        guard bytes.count >= IPv6Field.destinationAddress else { return }
        address.write(to: bytes, at: IPv6Field.sourceAddress)
    }

    /// Sets the destination address where captured whole.
    @inlinable
    public func setDestinationAddress(_ address: IPv6Address) {
        guard bytes.count >= IPv6Field.payload else { return }
        address.write(to: bytes, at: IPv6Field.destinationAddress)
    }

    /// Sets the Hop Limit where captured.
    @inlinable
    public func setHopLimit(_ value: UInt8) {
        guard bytes.count > IPv6Field.hopLimit else { return }
        bytes.writeUInt8(value, at: IPv6Field.hopLimit)
    }

    /// The upper-layer header as captured (it may be empty), or nil when this packet does not
    /// start it: the fixed header not captured whole, nothing after it, extension headers cut
    /// short, a fragment other than the first, or No Next Header. The headers are walked within
    /// Payload Length (0: to the end of the bytes); the upper layer runs to the end of the
    /// captured bytes.
    @inlinable public var capturedUpperLayer: MutableUpperLayer? {
        guard bytes.count >= IPv6Field.payload else { return nil }
        let read = bytes.readOnly
        let payloadLength = Int(read.readUInt16(at: IPv6Field.payloadLength))
        let end = payloadLength == 0 ? bytes.count : min(bytes.count, IPv6Field.payload &+ payloadLength)
        guard end > IPv6Field.payload,
              let chain = try? IPv6HeaderChain(walking: read.slice(from: IPv6Field.payload, to: end),
                                               firstHeader: IPProtocol(rawValue: read.readUInt8(at: IPv6Field.nextHeader))),
              chain.hasUpperLayerHeader else { return nil }
        return MutableUpperLayer(
            protocol: chain.upperLayerProtocol, ipVersion: 6,
            bytes: UnsafeMutableRawBufferPointer(rebasing: bytes[(IPv6Field.payload &+ chain.upperLayerOffset)...]),
            finalDestination: chain.finalDestination)
    }
}

/// The fields of an IPv6 fixed header.
public struct IPv6Header: Hashable, Sendable {
    /// The source address.
    public var sourceAddress: IPv6Address
    /// The destination address.
    public var destinationAddress: IPv6Address
    /// The type of the first header after the fixed header.
    public var nextHeader: IPProtocol
    /// The length of everything after the fixed header.
    public var payloadLength: Int
    /// The Hop Limit.
    public var hopLimit: UInt8
    /// The Traffic Class.
    public var trafficClass: UInt8
    /// The 20-bit Flow Label.
    public var flowLabel: UInt32

    /// Creates a header from its fields.
    @inlinable
    public init(
        sourceAddress: IPv6Address, destinationAddress: IPv6Address, nextHeader: IPProtocol,
        payloadLength: Int, hopLimit: UInt8 = 64, trafficClass: UInt8 = 0, flowLabel: UInt32 = 0
    ) {
        self.sourceAddress = sourceAddress
        self.destinationAddress = destinationAddress
        self.nextHeader = nextHeader
        self.payloadLength = payloadLength
        self.hopLimit = hopLimit
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel & 0xF_FFFF
    }

    /// Reads the fields of a packet.
    @inlinable
    public init(_ packet: IPv6Packet) {
        self.init(
            sourceAddress: packet.sourceAddress, destinationAddress: packet.destinationAddress,
            nextHeader: packet.nextHeader, payloadLength: packet.payloadLength, hopLimit: packet.hopLimit,
            trafficClass: packet.trafficClass, flowLabel: packet.flowLabel)
    }

    /// The length of the emitted header, 40 bytes.
    @inlinable public var headerLength: Int { IPv6Field.payload }

    /// Writes the header at the start of `buffer`; `invalidField` if the payload length does not
    /// fit 16 bits.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, IPv6Field.payload)
        guard payloadLength >= 0, payloadLength <= 0xFFFF else {
            throw WireError(.invalidField, at: IPv6Field.payloadLength)
        }
        let first = 6 << 28 | UInt32(trafficClass) << 20 | flowLabel & 0xF_FFFF
        buffer.writeUInt32(first, at: IPv6Field.versionClassAndFlowLabel)
        buffer.writeUInt16(UInt16(payloadLength), at: IPv6Field.payloadLength)
        buffer.writeUInt8(nextHeader.rawValue, at: IPv6Field.nextHeader)
        buffer.writeUInt8(hopLimit, at: IPv6Field.hopLimit)
        sourceAddress.write(to: buffer, at: IPv6Field.sourceAddress)
        destinationAddress.write(to: buffer, at: IPv6Field.destinationAddress)
    }
}
