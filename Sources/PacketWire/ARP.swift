// ARP and RARP (RFC 826, RFC 903). Address lengths are given by HLN and PLN; for Ethernet and IPv4
// (HLN 6, PLN 4) the packet is 28 bytes:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Hardware type         |         Protocol type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |      HLN      |      PLN      |           Operation           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                Sender hardware address (HLN bytes)            |
//  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                               | Sender protocol address (PLN) |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |                               |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |                Target hardware address (HLN bytes)            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                Target protocol address (PLN bytes)            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the ARP fields; the address fields follow at lengths given by HLN and PLN.
@usableFromInline
enum ARPField {
    @inlinable static var hardwareType: Int { 0 }
    @inlinable static var protocolType: Int { 2 }
    @inlinable static var hardwareLength: Int { 4 }
    @inlinable static var protocolLength: Int { 5 }
    @inlinable static var operation: Int { 6 }
    @inlinable static var senderHardwareAddress: Int { 8 }
    /// The four address offsets and total length for Ethernet/IPv4 (HLN 6, PLN 4).
    @inlinable static var senderProtocolAddress: Int { 14 }
    @inlinable static var targetHardwareAddress: Int { 18 }
    @inlinable static var targetProtocolAddress: Int { 24 }
    @inlinable static var ethernetIPv4Length: Int { 28 }
}

/// An ARP or RARP operation code.
public struct ARPOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public let rawValue: UInt16

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// ARP request, 1.
    @inlinable public static var request: ARPOperation { ARPOperation(rawValue: 1) }
    /// ARP reply, 2.
    @inlinable public static var reply: ARPOperation { ARPOperation(rawValue: 2) }
    /// RARP request, 3.
    @inlinable public static var reverseRequest: ARPOperation { ARPOperation(rawValue: 3) }
    /// RARP reply, 4.
    @inlinable public static var reverseReply: ARPOperation { ARPOperation(rawValue: 4) }

    /// The operation's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 1: "request"
        case 2: "reply"
        case 3: "reverse-request"
        case 4: "reverse-reply"
        default: String(rawValue)
        }
    }
}

/// A read-only view of an ARP or RARP packet with any address lengths.
public struct ARPPacket {
    /// The packet's bytes.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps `bytes` after checking that they hold the fixed part and the four addresses.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, ARPField.senderHardwareAddress)
        self.bytes = bytes
        try requireLength(bytes.count, packetLength)
    }

    /// Wraps `bytes` that the caller has checked hold the whole packet.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The hardware address space (1 for Ethernet).
    @inlinable public var hardwareType: ARPHardwareType {
        ARPHardwareType(rawValue: bytes.readUInt16(at: ARPField.hardwareType))
    }
    /// The protocol address space, as an EtherType.
    @inlinable public var protocolType: EtherType {
        EtherType(rawValue: bytes.readUInt16(at: ARPField.protocolType))
    }
    /// The length of each hardware address (HLN).
    @inlinable public var hardwareAddressLength: Int { Int(bytes.readUInt8(at: ARPField.hardwareLength)) }
    /// The length of each protocol address (PLN).
    @inlinable public var protocolAddressLength: Int { Int(bytes.readUInt8(at: ARPField.protocolLength)) }
    /// The operation.
    @inlinable public var operation: ARPOperation {
        ARPOperation(rawValue: bytes.readUInt16(at: ARPField.operation))
    }
    /// The length of the packet implied by HLN and PLN.
    @inlinable public var packetLength: Int {
        ARPField.senderHardwareAddress + 2 * (hardwareAddressLength + protocolAddressLength)
    }
    /// Whether the addresses are Ethernet (6 bytes) and IPv4 (4 bytes).
    @inlinable public var isEthernetIPv4: Bool {
        hardwareType == .ethernet && protocolType == .ipv4 && hardwareAddressLength == 6
            && protocolAddressLength == 4
    }
    /// The sender hardware address bytes.
    @inlinable public var senderHardwareAddress: UnsafeRawBufferPointer {
        let start = ARPField.senderHardwareAddress
        return bytes.slice(from: start, to: start + hardwareAddressLength)
    }
    /// The sender protocol address bytes.
    @inlinable public var senderProtocolAddress: UnsafeRawBufferPointer {
        let start = ARPField.senderHardwareAddress + hardwareAddressLength
        return bytes.slice(from: start, to: start + protocolAddressLength)
    }
    /// The target hardware address bytes.
    @inlinable public var targetHardwareAddress: UnsafeRawBufferPointer {
        let start = ARPField.senderHardwareAddress + hardwareAddressLength + protocolAddressLength
        return bytes.slice(from: start, to: start + hardwareAddressLength)
    }
    /// The target protocol address bytes.
    @inlinable public var targetProtocolAddress: UnsafeRawBufferPointer {
        let start = ARPField.senderHardwareAddress + 2 * hardwareAddressLength + protocolAddressLength
        return bytes.slice(from: start, to: start + protocolAddressLength)
    }
}

/// The fields of an Ethernet/IPv4 ARP or RARP packet.
public struct ARPHeader: Hashable, Sendable {
    /// The operation.
    public var operation: ARPOperation
    /// The sender's MAC address.
    public var senderHardwareAddress: MACAddress
    /// The sender's IPv4 address.
    public var senderProtocolAddress: IPv4Address
    /// The target's MAC address (zero in a request).
    public var targetHardwareAddress: MACAddress
    /// The target's IPv4 address.
    public var targetProtocolAddress: IPv4Address

    /// Creates a packet from its fields.
    @inlinable
    public init(
        operation: ARPOperation, senderHardwareAddress: MACAddress, senderProtocolAddress: IPv4Address,
        targetHardwareAddress: MACAddress, targetProtocolAddress: IPv4Address
    ) {
        self.operation = operation
        self.senderHardwareAddress = senderHardwareAddress
        self.senderProtocolAddress = senderProtocolAddress
        self.targetHardwareAddress = targetHardwareAddress
        self.targetProtocolAddress = targetProtocolAddress
    }

    /// Reads the fields of an Ethernet/IPv4 packet; other address spaces are `unsupported`.
    @inlinable
    public init(_ packet: ARPPacket) throws(WireError) {
        guard packet.hardwareType == .ethernet else { throw WireError(.unsupported, at: ARPField.hardwareType) }
        guard packet.protocolType == .ipv4 else { throw WireError(.unsupported, at: ARPField.protocolType) }
        guard packet.hardwareAddressLength == 6 else { throw WireError(.invalidField, at: ARPField.hardwareLength) }
        guard packet.protocolAddressLength == 4 else { throw WireError(.invalidField, at: ARPField.protocolLength) }
        let bytes = packet.bytes
        self.init(
            operation: packet.operation,
            senderHardwareAddress: MACAddress(unchecked: bytes, at: ARPField.senderHardwareAddress),
            senderProtocolAddress: IPv4Address(unchecked: bytes, at: ARPField.senderProtocolAddress),
            targetHardwareAddress: MACAddress(unchecked: bytes, at: ARPField.targetHardwareAddress),
            targetProtocolAddress: IPv4Address(unchecked: bytes, at: ARPField.targetProtocolAddress))
    }

    /// Whether sender and target protocol addresses are equal (a gratuitous ARP announcement).
    @inlinable public var isGratuitous: Bool { senderProtocolAddress == targetProtocolAddress }
    /// Whether the sender protocol address is `0.0.0.0` (an RFC 5227 probe).
    @inlinable public var isProbe: Bool { senderProtocolAddress.isUnspecified }

    /// The length of the emitted packet, 28 bytes.
    @inlinable public var headerLength: Int { ARPField.ethernetIPv4Length }

    /// Writes the packet at the start of `buffer`.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, ARPField.ethernetIPv4Length)
        buffer.writeUInt16(ARPHardwareType.ethernet.rawValue, at: ARPField.hardwareType)
        buffer.writeUInt16(EtherType.ipv4.rawValue, at: ARPField.protocolType)
        buffer.writeUInt8(6, at: ARPField.hardwareLength)
        buffer.writeUInt8(4, at: ARPField.protocolLength)
        buffer.writeUInt16(operation.rawValue, at: ARPField.operation)
        senderHardwareAddress.write(to: buffer, at: ARPField.senderHardwareAddress)
        senderProtocolAddress.write(to: buffer, at: ARPField.senderProtocolAddress)
        targetHardwareAddress.write(to: buffer, at: ARPField.targetHardwareAddress)
        targetProtocolAddress.write(to: buffer, at: ARPField.targetProtocolAddress)
    }
}
