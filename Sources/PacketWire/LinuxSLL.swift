// Linux cooked capture header, version 1 (LINKTYPE_LINUX_SLL, 113), all fields big-endian:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Packet type          |          ARPHRD_ type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Link-layer address length   |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |          Link-layer address (8 bytes, zero padded)            |
//  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                               |         Protocol type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the Linux cooked v1 header fields.
@usableFromInline
enum LinuxSLLField {
    @inlinable static var packetType: Int { 0 }
    @inlinable static var hardwareType: Int { 2 }
    @inlinable static var addressLength: Int { 4 }
    @inlinable static var address: Int { 6 }
    @inlinable static var protocolType: Int { 14 }
    @inlinable static var payload: Int { 16 }
}

/// Which way a packet went, as the Linux cooked header reports it (`PACKET_*`).
public struct LinuxSLLPacketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The value on the wire (16 bits in v1, 8 bits in v2).
    public let rawValue: UInt16

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Sent to this host, `PACKET_HOST` (0).
    @inlinable public static var host: LinuxSLLPacketType { LinuxSLLPacketType(rawValue: 0) }
    /// Broadcast by another host, `PACKET_BROADCAST` (1).
    @inlinable public static var broadcast: LinuxSLLPacketType { LinuxSLLPacketType(rawValue: 1) }
    /// Multicast by another host, `PACKET_MULTICAST` (2).
    @inlinable public static var multicast: LinuxSLLPacketType { LinuxSLLPacketType(rawValue: 2) }
    /// Sent by another host to another host, `PACKET_OTHERHOST` (3).
    @inlinable public static var otherHost: LinuxSLLPacketType { LinuxSLLPacketType(rawValue: 3) }
    /// Sent by this host, `PACKET_OUTGOING` (4).
    @inlinable public static var outgoing: LinuxSLLPacketType { LinuxSLLPacketType(rawValue: 4) }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 0: "host"
        case 1: "broadcast"
        case 2: "multicast"
        case 3: "other-host"
        case 4: "outgoing"
        default: String(rawValue)
        }
    }
}

/// A Linux `ARPHRD_*` device type, as carried by cooked headers and ARP.
public struct ARPHardwareType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public let rawValue: UInt16

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Ethernet, 1.
    @inlinable public static var ethernet: ARPHardwareType { ARPHardwareType(rawValue: 1) }
    /// Loopback, 772.
    @inlinable public static var loopback: ARPHardwareType { ARPHardwareType(rawValue: 772) }
    /// IP-over-IP tunnel, 768.
    @inlinable public static var tunnel: ARPHardwareType { ARPHardwareType(rawValue: 768) }
    /// Netlink, 824 (the protocol type is then a netlink family).
    @inlinable public static var netlink: ARPHardwareType { ARPHardwareType(rawValue: 824) }
    /// No header (e.g. a raw IP device), 0xfffe.
    @inlinable public static var none: ARPHardwareType { ARPHardwareType(rawValue: 0xFFFE) }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 1: "ethernet"
        case 768: "tunnel"
        case 772: "loopback"
        case 824: "netlink"
        case 0xFFFE: "none"
        default: String(rawValue)
        }
    }
}

/// A read-only view of a Linux cooked capture v1 packet.
public struct LinuxSLLPacket {
    /// The packet's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the header, 16 bytes.
    @inlinable public static var headerLength: Int { LinuxSLLField.payload }

    /// Wraps `bytes` after checking that they hold the 16-byte header.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, LinuxSLLField.payload)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold at least the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Which way the packet went.
    @inlinable public var packetType: LinuxSLLPacketType {
        LinuxSLLPacketType(rawValue: bytes.readUInt16(at: LinuxSLLField.packetType))
    }
    /// The capturing device's `ARPHRD_` type.
    @inlinable public var hardwareType: ARPHardwareType {
        ARPHardwareType(rawValue: bytes.readUInt16(at: LinuxSLLField.hardwareType))
    }
    /// The length of the sender's link-layer address as declared (may exceed the 8 bytes kept).
    @inlinable public var addressLength: UInt16 { bytes.readUInt16(at: LinuxSLLField.addressLength) }
    /// The 8-byte address field, first byte most significant, zero padded.
    @inlinable public var addressField: UInt64 { bytes.readUInt64(at: LinuxSLLField.address) }
    /// The sender's MAC address when the address is 6 bytes long.
    @inlinable public var sourceMACAddress: MACAddress? {
        addressLength == 6 ? MACAddress(unchecked: bytes, at: LinuxSLLField.address) : nil
    }
    /// The protocol of the payload: an EtherType for most devices.
    @inlinable public var protocolType: EtherType {
        EtherType(rawValue: bytes.readUInt16(at: LinuxSLLField.protocolType))
    }
    /// The bytes after the header.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: LinuxSLLField.payload) }
}

/// The fields of a Linux cooked capture v1 header.
public struct LinuxSLLHeader: Hashable, Sendable {
    /// Which way the packet went.
    public var packetType: LinuxSLLPacketType
    /// The capturing device's `ARPHRD_` type.
    public var hardwareType: ARPHardwareType
    /// The declared length of the sender's link-layer address.
    public var addressLength: UInt16
    /// The 8-byte address field, first byte most significant.
    public var addressField: UInt64
    /// The protocol of the payload.
    public var protocolType: EtherType

    /// Creates a header from its fields.
    @inlinable
    public init(
        packetType: LinuxSLLPacketType, hardwareType: ARPHardwareType, addressLength: UInt16,
        addressField: UInt64, protocolType: EtherType
    ) {
        self.packetType = packetType
        self.hardwareType = hardwareType
        self.addressLength = addressLength
        self.addressField = addressField
        self.protocolType = protocolType
    }

    /// Creates the header of an Ethernet device's packet sent from `source`.
    @inlinable
    public init(packetType: LinuxSLLPacketType, source: MACAddress, protocolType: EtherType) {
        self.init(
            packetType: packetType, hardwareType: .ethernet, addressLength: 6,
            addressField: source.rawValue << 16, protocolType: protocolType)
    }

    /// Reads the fields of a packet.
    @inlinable
    public init(_ packet: LinuxSLLPacket) {
        self.init(
            packetType: packet.packetType, hardwareType: packet.hardwareType,
            addressLength: packet.addressLength, addressField: packet.addressField,
            protocolType: packet.protocolType)
    }

    /// The length of the emitted header, 16 bytes.
    @inlinable public var headerLength: Int { LinuxSLLField.payload }

    /// Writes the header at the start of `buffer`.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, LinuxSLLField.payload)
        buffer.writeUInt16(packetType.rawValue, at: LinuxSLLField.packetType)
        buffer.writeUInt16(hardwareType.rawValue, at: LinuxSLLField.hardwareType)
        buffer.writeUInt16(addressLength, at: LinuxSLLField.addressLength)
        buffer.writeUInt64(addressField, at: LinuxSLLField.address)
        buffer.writeUInt16(protocolType.rawValue, at: LinuxSLLField.protocolType)
    }
}
