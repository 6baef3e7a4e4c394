// BMP common header (RFC 7854 section 4.1):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+
//  |    Version    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        Message Length                         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Msg. Type   |
//  +---------------+
//
// Per-peer header (section 4.2), after the common header in route monitoring (0), statistics
// (1), peer down (2), peer up (3) and route mirroring (6) messages:
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Peer Type   |  Peer Flags   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Peer Distinguisher (present based on peer type)       |
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Peer Address (16 bytes)                       |
//  ~                                                               ~
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                           Peer AS                             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Peer BGP ID                           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Timestamp (seconds)                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                  Timestamp (microseconds)                     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Peer flags: V 0x80 (IPv6 peer address; else IPv4 in the last 4 bytes), L 0x40 (post-policy),
// A 0x20 (the BGP messages use 2-byte AS numbers), O 0x10 (Adj-RIB-Out, RFC 8671).
// A route monitoring message then carries one BGP UPDATE; a peer up message (section 4.10) the
// local address (16), local port (2), remote port (2), the sent and the received OPEN.

/// Byte offsets of the BMP common and per-peer header fields.
@usableFromInline
enum BMPField {
    @inlinable static var version: Int { 0 }
    @inlinable static var length: Int { 1 }
    @inlinable static var type: Int { 5 }
    @inlinable static var commonHeaderLength: Int { 6 }
    // Per-peer header, from the start of the message.
    @inlinable static var peerType: Int { 6 }
    @inlinable static var peerFlags: Int { 7 }
    @inlinable static var peerDistinguisher: Int { 8 }
    @inlinable static var peerAddress: Int { 16 }
    @inlinable static var peerAS: Int { 32 }
    @inlinable static var peerIdentifier: Int { 36 }
    @inlinable static var timestampSeconds: Int { 40 }
    @inlinable static var timestampMicroseconds: Int { 44 }
    @inlinable static var afterPeerHeader: Int { 48 }
    // Peer up, from the start of the message.
    @inlinable static var localAddress: Int { 48 }
    @inlinable static var localPort: Int { 64 }
    @inlinable static var remotePort: Int { 66 }
    @inlinable static var sentOpen: Int { 68 }
}

/// A BMP message type (RFC 7854 section 10.1). Unknown types survive.
public struct BMPMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Route Monitoring, 0.
    @inlinable public static var routeMonitoring: BMPMessageType { BMPMessageType(rawValue: 0) }
    /// Statistics Report, 1.
    @inlinable public static var statisticsReport: BMPMessageType { BMPMessageType(rawValue: 1) }
    /// Peer Down Notification, 2.
    @inlinable public static var peerDown: BMPMessageType { BMPMessageType(rawValue: 2) }
    /// Peer Up Notification, 3.
    @inlinable public static var peerUp: BMPMessageType { BMPMessageType(rawValue: 3) }
    /// Initiation, 4.
    @inlinable public static var initiation: BMPMessageType { BMPMessageType(rawValue: 4) }
    /// Termination, 5.
    @inlinable public static var termination: BMPMessageType { BMPMessageType(rawValue: 5) }
    /// Route Mirroring, 6.
    @inlinable public static var routeMirroring: BMPMessageType { BMPMessageType(rawValue: 6) }

    /// Whether messages of this type start with a per-peer header.
    @inlinable public var hasPerPeerHeader: Bool { rawValue <= 3 || rawValue == 6 }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 0: "route-monitoring"
        case 1: "statistics-report"
        case 2: "peer-down"
        case 3: "peer-up"
        case 4: "initiation"
        case 5: "termination"
        case 6: "route-mirroring"
        default: String(rawValue)
        }
    }
}

/// A read-only view of one BMP version 3 message.
public struct BMPMessage {
    /// The message's bytes, exactly `length` of them.
    public let bytes: UnsafeRawBufferPointer

    /// The BMP version this library reads, 3.
    @inlinable public static var version: UInt8 { 3 }
    /// The IANA port for BMP, 11019 (RFC 7854 leaves the port to configuration).
    @inlinable public static var tcpPort: UInt16 { 11019 }
    /// The length of the common header, 6 bytes.
    @inlinable public static var commonHeaderLength: Int { BMPField.commonHeaderLength }
    /// The length of common and per-peer headers, 48 bytes.
    @inlinable public static var perPeerMessageHeaderLength: Int { BMPField.afterPeerHeader }
    /// The longest message this library accepts (a route monitoring message holds one BGP
    /// message of at most 65535 bytes; a peer up two, and information TLVs).
    @inlinable public static var maximumLength: Int { 1 << 18 }

    /// Wraps the message at the start of `bytes` after checking the version, the length (6 to
    /// `maximumLength`; at least 48 for a type with a per-peer header) and that all of it is there.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        let length = try BMPMessage.announcedLength(bytes)
        try requireLength(bytes.count, length)
        self.bytes = bytes.slice(from: 0, to: length)
    }

    /// Wraps `bytes` that the caller has checked hold exactly one message.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The length the common header at the start of `bytes` announces, checked as `init` does,
    /// before the rest of the message need be there.
    @inlinable
    public static func announcedLength(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Int {
        try requireLength(bytes.count, BMPField.commonHeaderLength)
        guard bytes.readUInt8(at: BMPField.version) == version else { throw WireError(.unsupported, at: BMPField.version) }
        let length = bytes.readUInt32(at: BMPField.length)
        let type = BMPMessageType(rawValue: bytes.readUInt8(at: BMPField.type))
        let minimum = type.hasPerPeerHeader ? BMPField.afterPeerHeader : BMPField.commonHeaderLength
        guard length >= minimum, length <= maximumLength else { throw WireError(.invalidField, at: BMPField.length) }
        return Int(length)
    }

    /// The announced length, header included.
    @inlinable public var length: Int { Int(bytes.readUInt32(at: BMPField.length)) }
    /// The message type.
    @inlinable public var type: BMPMessageType { BMPMessageType(rawValue: bytes.readUInt8(at: BMPField.type)) }
    /// The per-peer header, for the types that have one.
    @inlinable public var perPeerHeader: BMPPerPeerHeader? {
        type.hasPerPeerHeader ? BMPPerPeerHeader(uncheckedBytes: bytes) : nil
    }
    /// The bytes after the common header and the per-peer header (if the type has one).
    @inlinable public var body: UnsafeRawBufferPointer {
        bytes.slice(from: type.hasPerPeerHeader ? BMPField.afterPeerHeader : BMPField.commonHeaderLength)
    }

    /// The BGP UPDATE a route monitoring message carries (the BGP message must fill the rest).
    public var routeMonitoringUpdate: BGPMessage {
        get throws(WireError) {
            guard type == .routeMonitoring else { throw WireError(.unsupported, at: BMPField.type) }
            let message: BGPMessage
            do { message = try BGPMessage(body) } catch { throw error.shifted(by: BMPField.afterPeerHeader) }
            guard message.bytes.count == body.count else {
                throw WireError(.invalidField, at: BMPField.afterPeerHeader + BGPField.length)
            }
            return message
        }
    }

    /// A peer up message's local address, ports and the two OPENs (sent, then received).
    public var peerUp: BMPPeerUp {
        get throws(WireError) {
            guard type == .peerUp else { throw WireError(.unsupported, at: BMPField.type) }
            try requireLength(bytes.count, BMPField.sentOpen)
            let sent: BGPMessage
            let received: BGPMessage
            do { sent = try BGPMessage(bytes.slice(from: BMPField.sentOpen)) } catch {
                throw error.shifted(by: BMPField.sentOpen)
            }
            let receivedOffset = BMPField.sentOpen + sent.bytes.count
            do { received = try BGPMessage(bytes.slice(from: receivedOffset)) } catch {
                throw error.shifted(by: receivedOffset)
            }
            let v6 = bytes.readUInt8(at: BMPField.peerFlags) & 0x80 != 0
            return BMPPeerUp(
                localAddress: BMPPerPeerHeader.address(bytes, at: BMPField.localAddress, ipv6: v6),
                localPort: bytes.readUInt16(at: BMPField.localPort), remotePort: bytes.readUInt16(at: BMPField.remotePort),
                sentOpen: sent, receivedOpen: received)
        }
    }
}

/// A view of the per-peer header of a BMP message (the message's bytes, checked to hold it).
public struct BMPPerPeerHeader {
    /// The whole message's bytes.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps message bytes that the caller has checked hold the 48 bytes of both headers.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The V flag: the peer address is IPv6.
    @inlinable public static var ipv6Flag: UInt8 { 0x80 }
    /// The L flag: post-policy Adj-RIB-In.
    @inlinable public static var postPolicyFlag: UInt8 { 0x40 }
    /// The A flag: the BGP messages use 2-byte AS numbers.
    @inlinable public static var twoByteASFlag: UInt8 { 0x20 }
    /// The O flag: Adj-RIB-Out (RFC 8671).
    @inlinable public static var adjRIBOutFlag: UInt8 { 0x10 }

    /// The peer type (0 global, 1 RD instance, 2 local instance, 3 Loc-RIB).
    @inlinable public var peerType: UInt8 { bytes.readUInt8(at: BMPField.peerType) }
    /// The peer flags.
    @inlinable public var flags: UInt8 { bytes.readUInt8(at: BMPField.peerFlags) }
    /// The peer distinguisher (8 bytes, an RD for RD-instance peers).
    @inlinable public var distinguisher: UInt64 { bytes.readUInt64(at: BMPField.peerDistinguisher) }
    /// The peer's address (IPv4 in the last 4 bytes when the V flag is clear).
    @inlinable public var address: IPAddress {
        BMPPerPeerHeader.address(bytes, at: BMPField.peerAddress, ipv6: flags & Self.ipv6Flag != 0)
    }
    /// The peer's AS number.
    @inlinable public var autonomousSystem: UInt32 { bytes.readUInt32(at: BMPField.peerAS) }
    /// The peer's BGP Identifier.
    @inlinable public var identifier: IPv4Address { IPv4Address(rawValue: bytes.readUInt32(at: BMPField.peerIdentifier)) }
    /// When the monitored router received the routes: seconds since 1970.
    @inlinable public var timestampSeconds: UInt32 { bytes.readUInt32(at: BMPField.timestampSeconds) }
    /// … and microseconds.
    @inlinable public var timestampMicroseconds: UInt32 { bytes.readUInt32(at: BMPField.timestampMicroseconds) }
    /// The AS number size of the carried BGP messages: 2 with the A flag, else 4.
    @inlinable public var asNumberSize: Int { flags & Self.twoByteASFlag != 0 ? 2 : 4 }

    /// Reads a 16-byte address field without a bounds check.
    @inlinable
    static func address(_ bytes: UnsafeRawBufferPointer, at offset: Int, ipv6: Bool) -> IPAddress {
        ipv6 ? .v6(IPv6Address(high: bytes.readUInt64(at: offset), low: bytes.readUInt64(at: offset + 8)))
            : .v4(IPv4Address(rawValue: bytes.readUInt32(at: offset + 12)))
    }
}

/// What a peer up message holds beside its per-peer header.
public struct BMPPeerUp {
    /// The monitored router's address of the session.
    public let localAddress: IPAddress
    /// The monitored router's port.
    public let localPort: UInt16
    /// The peer's port.
    public let remotePort: UInt16
    /// The OPEN the monitored router sent.
    public let sentOpen: BGPMessage
    /// The OPEN it received.
    public let receivedOpen: BGPMessage
}

/// The fields of the common and per-peer headers, for writing BMP messages.
public struct BMPHeader: Hashable, Sendable {
    /// The message type.
    public var type: BMPMessageType
    /// The peer type.
    public var peerType: UInt8
    /// The peer flags (the V flag is set from the address when emitting).
    public var peerFlags: UInt8
    /// The peer distinguisher.
    public var peerDistinguisher: UInt64
    /// The peer's address.
    public var peerAddress: IPAddress
    /// The peer's AS number.
    public var peerAS: UInt32
    /// The peer's BGP Identifier.
    public var peerIdentifier: IPv4Address
    /// Timestamp seconds.
    public var timestampSeconds: UInt32
    /// Timestamp microseconds.
    public var timestampMicroseconds: UInt32

    /// Creates a header from its fields.
    public init(
        type: BMPMessageType, peerType: UInt8 = 0, peerFlags: UInt8 = 0, peerDistinguisher: UInt64 = 0,
        peerAddress: IPAddress, peerAS: UInt32, peerIdentifier: IPv4Address, timestampSeconds: UInt32 = 0,
        timestampMicroseconds: UInt32 = 0
    ) {
        self.type = type
        self.peerType = peerType
        self.peerFlags = peerFlags
        self.peerDistinguisher = peerDistinguisher
        self.peerAddress = peerAddress
        self.peerAS = peerAS
        self.peerIdentifier = peerIdentifier
        self.timestampSeconds = timestampSeconds
        self.timestampMicroseconds = timestampMicroseconds
    }

    /// Reads the headers of a message with a per-peer header.
    public init(_ message: BMPMessage) throws(WireError) {
        guard let peer = message.perPeerHeader else { throw WireError(.unsupported, at: BMPField.type) }
        self.init(type: message.type, peerType: peer.peerType, peerFlags: peer.flags,
                  peerDistinguisher: peer.distinguisher, peerAddress: peer.address, peerAS: peer.autonomousSystem,
                  peerIdentifier: peer.identifier, timestampSeconds: peer.timestampSeconds,
                  timestampMicroseconds: peer.timestampMicroseconds)
    }

    /// Writes both headers for a message of `length` bytes at the start of `buffer`.
    public func emit(length: Int, into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, BMPField.afterPeerHeader)
        guard length >= BMPField.afterPeerHeader, length <= BMPMessage.maximumLength else {
            throw WireError(.invalidField, at: BMPField.length)
        }
        buffer.writeUInt8(BMPMessage.version, at: BMPField.version)
        buffer.writeUInt32(UInt32(length), at: BMPField.length)
        buffer.writeUInt8(type.rawValue, at: BMPField.type)
        buffer.writeUInt8(peerType, at: BMPField.peerType)
        buffer.writeUInt64(peerDistinguisher, at: BMPField.peerDistinguisher)
        switch peerAddress {
        case .v4(let address):
            buffer.writeUInt8(peerFlags & ~BMPPerPeerHeader.ipv6Flag, at: BMPField.peerFlags)
            buffer.zero(from: BMPField.peerAddress, count: 12)
            buffer.writeUInt32(address.rawValue, at: BMPField.peerAddress + 12)
        case .v6(let address):
            buffer.writeUInt8(peerFlags | BMPPerPeerHeader.ipv6Flag, at: BMPField.peerFlags)
            buffer.writeUInt64(address.high, at: BMPField.peerAddress)
            buffer.writeUInt64(address.low, at: BMPField.peerAddress + 8)
        }
        buffer.writeUInt32(peerAS, at: BMPField.peerAS)
        buffer.writeUInt32(peerIdentifier.rawValue, at: BMPField.peerIdentifier)
        buffer.writeUInt32(timestampSeconds, at: BMPField.timestampSeconds)
        buffer.writeUInt32(timestampMicroseconds, at: BMPField.timestampMicroseconds)
    }
}
