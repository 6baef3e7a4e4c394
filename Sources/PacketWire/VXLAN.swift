// VXLAN header (RFC 7348 section 5), carried in UDP to port 4789:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |R|R|R|R|I|R|R|R|                   Reserved                    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          VXLAN Network Identifier (VNI)       |   Reserved    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  The inner Ethernet frame follows. I: the VNI is valid.

/// Byte offsets of the VXLAN header fields.
@usableFromInline
enum VXLANField {
    @inlinable static var flags: Int { 0 }
    @inlinable static var networkIdentifier: Int { 4 }
    @inlinable static var payload: Int { 8 }
}

/// A read-only view of a VXLAN packet.
public struct VXLANPacket {
    /// The packet's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The IANA UDP port for VXLAN, 4789.
    @inlinable public static var udpPort: UInt16 { 4789 }
    /// The length of the header, 8 bytes.
    @inlinable public static var headerLength: Int { VXLANField.payload }

    /// Wraps `bytes` after checking that they hold the 8-byte header.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, VXLANField.payload)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The flags byte.
    @inlinable public var flags: UInt8 { bytes.readUInt8(at: VXLANField.flags) }
    /// Whether the I flag (valid VNI) is set.
    @inlinable public var hasNetworkIdentifier: Bool { flags & 0x08 != 0 }
    /// The 24-bit VXLAN Network Identifier.
    @inlinable public var networkIdentifier: UInt32 { bytes.readUInt32(at: VXLANField.networkIdentifier) >> 8 }
    /// Whether the header is exactly what RFC 7348 sends: flags 0x08 (only I set) and every
    /// reserved bit zero. Anything else in a datagram to the VXLAN port is not taken as VXLAN.
    @inlinable public var isStrictHeader: Bool {
        bytes.readUInt32(at: VXLANField.flags) == 0x0800_0000
            && bytes.readUInt8(at: VXLANField.networkIdentifier + 3) == 0
    }
    /// The inner Ethernet frame.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: VXLANField.payload) }
}

/// The fields of a VXLAN header.
public struct VXLANHeader: Hashable, Sendable {
    /// The flags byte (0x08 when the VNI is valid).
    public var flags: UInt8
    /// The 24-bit VXLAN Network Identifier.
    public var networkIdentifier: UInt32

    /// Creates a header from its fields; the identifier is masked to 24 bits.
    @inlinable
    public init(flags: UInt8 = 0x08, networkIdentifier: UInt32) {
        self.flags = flags
        self.networkIdentifier = networkIdentifier & 0xFF_FFFF
    }

    /// Reads the fields of a packet (reserved fields are not kept).
    @inlinable
    public init(_ packet: VXLANPacket) {
        self.init(flags: packet.flags, networkIdentifier: packet.networkIdentifier)
    }

    /// The length of the emitted header, 8 bytes.
    @inlinable public var headerLength: Int { VXLANField.payload }

    /// Writes the header at the start of `buffer`, reserved fields zero.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, VXLANField.payload)
        buffer.writeUInt32(UInt32(flags) << 24, at: VXLANField.flags)
        buffer.writeUInt32(networkIdentifier << 8, at: VXLANField.networkIdentifier)
    }
}
