// Linux cooked capture header, version 2 (LINKTYPE_LINUX_SLL2, 276), all fields big-endian:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Protocol type         |        Reserved (MBZ)         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        Interface index                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          ARPHRD_ type         |  Packet type  | Address length|
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                                                               |
//  +          Link-layer address (8 bytes, zero padded)            +
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the Linux cooked v2 header fields.
@usableFromInline
enum LinuxSLL2Field {
    @inlinable static var protocolType: Int { 0 }
    @inlinable static var reserved: Int { 2 }
    @inlinable static var interfaceIndex: Int { 4 }
    @inlinable static var hardwareType: Int { 8 }
    @inlinable static var packetType: Int { 10 }
    @inlinable static var addressLength: Int { 11 }
    @inlinable static var address: Int { 12 }
    @inlinable static var payload: Int { 20 }
}

/// A read-only view of a Linux cooked capture v2 packet.
public struct LinuxSLL2Packet {
    /// The packet's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the header, 20 bytes.
    @inlinable public static var headerLength: Int { LinuxSLL2Field.payload }

    /// Wraps `bytes` after checking that they hold the 20-byte header.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, LinuxSLL2Field.payload)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold at least the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The protocol of the payload: an EtherType for most devices.
    @inlinable public var protocolType: EtherType {
        EtherType(rawValue: bytes.readUInt16(at: LinuxSLL2Field.protocolType))
    }
    /// The reserved field (zero when well formed).
    @inlinable public var reserved: UInt16 { bytes.readUInt16(at: LinuxSLL2Field.reserved) }
    /// The index of the interface the packet was captured on.
    @inlinable public var interfaceIndex: UInt32 { bytes.readUInt32(at: LinuxSLL2Field.interfaceIndex) }
    /// The capturing device's `ARPHRD_` type.
    @inlinable public var hardwareType: ARPHardwareType {
        ARPHardwareType(rawValue: bytes.readUInt16(at: LinuxSLL2Field.hardwareType))
    }
    /// Which way the packet went.
    @inlinable public var packetType: LinuxSLLPacketType {
        LinuxSLLPacketType(rawValue: UInt16(bytes.readUInt8(at: LinuxSLL2Field.packetType)))
    }
    /// The length of the sender's link-layer address as declared.
    @inlinable public var addressLength: UInt8 { bytes.readUInt8(at: LinuxSLL2Field.addressLength) }
    /// The 8-byte address field, first byte most significant, zero padded.
    @inlinable public var addressField: UInt64 { bytes.readUInt64(at: LinuxSLL2Field.address) }
    /// The sender's MAC address when the address is 6 bytes long.
    @inlinable public var sourceMACAddress: MACAddress? {
        addressLength == 6 ? MACAddress(unchecked: bytes, at: LinuxSLL2Field.address) : nil
    }
    /// The bytes after the header.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: LinuxSLL2Field.payload) }
}

/// The fields of a Linux cooked capture v2 header.
public struct LinuxSLL2Header: Hashable, Sendable {
    /// The protocol of the payload.
    public var protocolType: EtherType
    /// The index of the interface the packet was captured on.
    public var interfaceIndex: UInt32
    /// The capturing device's `ARPHRD_` type.
    public var hardwareType: ARPHardwareType
    /// Which way the packet went (only the low 8 bits are emitted).
    public var packetType: LinuxSLLPacketType
    /// The declared length of the sender's link-layer address.
    public var addressLength: UInt8
    /// The 8-byte address field, first byte most significant.
    public var addressField: UInt64

    /// Creates a header from its fields.
    @inlinable
    public init(
        protocolType: EtherType, interfaceIndex: UInt32, hardwareType: ARPHardwareType,
        packetType: LinuxSLLPacketType, addressLength: UInt8, addressField: UInt64
    ) {
        self.protocolType = protocolType
        self.interfaceIndex = interfaceIndex
        self.hardwareType = hardwareType
        self.packetType = packetType
        self.addressLength = addressLength
        self.addressField = addressField
    }

    /// Reads the fields of a packet (the reserved field is not kept).
    @inlinable
    public init(_ packet: LinuxSLL2Packet) {
        self.init(
            protocolType: packet.protocolType, interfaceIndex: packet.interfaceIndex,
            hardwareType: packet.hardwareType, packetType: packet.packetType,
            addressLength: packet.addressLength, addressField: packet.addressField)
    }

    /// The length of the emitted header, 20 bytes.
    @inlinable public var headerLength: Int { LinuxSLL2Field.payload }

    /// Writes the header at the start of `buffer`, with a zero reserved field.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, LinuxSLL2Field.payload)
        buffer.writeUInt16(protocolType.rawValue, at: LinuxSLL2Field.protocolType)
        buffer.writeUInt16(0, at: LinuxSLL2Field.reserved)
        buffer.writeUInt32(interfaceIndex, at: LinuxSLL2Field.interfaceIndex)
        buffer.writeUInt16(hardwareType.rawValue, at: LinuxSLL2Field.hardwareType)
        buffer.writeUInt8(UInt8(truncatingIfNeeded: packetType.rawValue), at: LinuxSLL2Field.packetType)
        buffer.writeUInt8(addressLength, at: LinuxSLL2Field.addressLength)
        buffer.writeUInt64(addressField, at: LinuxSLL2Field.address)
    }
}
