// Ethernet II frame (DIX; IEEE 802.3 clause 3.2.6 when the type field is >= 0x0600):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Destination MAC address                       |
//  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                               |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |                       Source MAC address                      |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |           EtherType           |  Payload ...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the Ethernet II header fields.
@usableFromInline
enum EthernetField {
    @inlinable static var destination: Int { 0 }
    @inlinable static var source: Int { 6 }
    @inlinable static var etherType: Int { 12 }
    @inlinable static var payload: Int { 14 }
}

/// A read-only view of an Ethernet II frame (without the frame check sequence).
public struct EthernetFrame {
    /// The frame's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the Ethernet II header, 14 bytes.
    @inlinable public static var headerLength: Int { EthernetField.payload }

    /// Wraps `bytes` after checking that they hold the 14-byte header.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, EthernetField.payload)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold at least the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The destination MAC address.
    @inlinable public var destinationAddress: MACAddress {
        MACAddress(unchecked: bytes, at: EthernetField.destination)
    }

    /// The source MAC address.
    @inlinable public var sourceAddress: MACAddress {
        MACAddress(unchecked: bytes, at: EthernetField.source)
    }

    /// The EtherType (or an 802.3 length, see `EtherType.isLength`).
    @inlinable public var etherType: EtherType {
        EtherType(rawValue: bytes.readUInt16(at: EthernetField.etherType))
    }

    /// The bytes after the header.
    @inlinable public var payload: UnsafeRawBufferPointer {
        bytes.slice(from: EthernetField.payload)
    }
}

/// The fields of an Ethernet II header.
public struct EthernetHeader: Hashable, Sendable {
    /// The destination MAC address.
    public var destinationAddress: MACAddress
    /// The source MAC address.
    public var sourceAddress: MACAddress
    /// The EtherType.
    public var etherType: EtherType

    /// Creates a header from its fields.
    @inlinable
    public init(destinationAddress: MACAddress, sourceAddress: MACAddress, etherType: EtherType) {
        self.destinationAddress = destinationAddress
        self.sourceAddress = sourceAddress
        self.etherType = etherType
    }

    /// Reads the fields of a frame.
    @inlinable
    public init(_ frame: EthernetFrame) {
        self.init(
            destinationAddress: frame.destinationAddress, sourceAddress: frame.sourceAddress,
            etherType: frame.etherType)
    }

    /// The length of the emitted header, 14 bytes.
    @inlinable public var headerLength: Int { EthernetField.payload }

    /// Writes the header at the start of `buffer`.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, EthernetField.payload)
        destinationAddress.write(to: buffer, at: EthernetField.destination)
        sourceAddress.write(to: buffer, at: EthernetField.source)
        buffer.writeUInt16(etherType.rawValue, at: EthernetField.etherType)
    }
}
