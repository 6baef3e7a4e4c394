// IEEE 802.1Q / 802.1ad tag, after a TPID of 0x8100, 0x88a8 or 0x9100 in the type field before it.
// The view starts at the Tag Control Information; the second half is the next type field:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | PCP |D|  VLAN identifier      |      EtherType (next)         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  PCP: priority code point, D: drop eligible indicator.

/// Byte offsets of the VLAN tag fields.
@usableFromInline
enum VLANField {
    @inlinable static var tagControl: Int { 0 }
    @inlinable static var etherType: Int { 2 }
    @inlinable static var payload: Int { 4 }
}

/// A read-only view of one 802.1Q tag: its control information and the type that follows it.
public struct VLANPacket {
    /// The tag's bytes, from the Tag Control Information on.
    public let bytes: UnsafeRawBufferPointer

    /// The length of a tag after its TPID, 4 bytes.
    @inlinable public static var headerLength: Int { VLANField.payload }

    /// Wraps `bytes` after checking that they hold the 4-byte tag.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, VLANField.payload)
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold at least the tag.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The 16-bit Tag Control Information.
    @inlinable public var tagControl: UInt16 { bytes.readUInt16(at: VLANField.tagControl) }
    /// The priority code point (0...7).
    @inlinable public var priority: UInt8 { UInt8(truncatingIfNeeded: tagControl >> 13) }
    /// The drop eligible indicator.
    @inlinable public var dropEligible: Bool { tagControl & 0x1000 != 0 }
    /// The 12-bit VLAN identifier.
    @inlinable public var identifier: UInt16 { tagControl & 0x0FFF }
    /// The type of what follows the tag (another TPID when tags are stacked).
    @inlinable public var etherType: EtherType {
        EtherType(rawValue: bytes.readUInt16(at: VLANField.etherType))
    }
    /// The bytes after the tag.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: VLANField.payload) }
}

/// The fields of one 802.1Q tag.
public struct VLANHeader: Hashable, Sendable {
    /// The priority code point (0...7).
    public var priority: UInt8
    /// The drop eligible indicator.
    public var dropEligible: Bool
    /// The 12-bit VLAN identifier.
    public var identifier: UInt16
    /// The type of what follows the tag.
    public var etherType: EtherType

    /// Creates a tag from its fields; `priority` and `identifier` are masked to 3 and 12 bits.
    @inlinable
    public init(priority: UInt8 = 0, dropEligible: Bool = false, identifier: UInt16, etherType: EtherType) {
        self.priority = priority & 0x7
        self.dropEligible = dropEligible
        self.identifier = identifier & 0x0FFF
        self.etherType = etherType
    }

    /// Reads the fields of a tag.
    @inlinable
    public init(_ packet: VLANPacket) {
        self.init(
            priority: packet.priority, dropEligible: packet.dropEligible, identifier: packet.identifier,
            etherType: packet.etherType)
    }

    /// The 16-bit Tag Control Information these fields make.
    @inlinable public var tagControl: UInt16 {
        UInt16(priority & 0x7) << 13 | (dropEligible ? 0x1000 : 0) | identifier & 0x0FFF
    }

    /// The length of the emitted tag, 4 bytes.
    @inlinable public var headerLength: Int { VLANField.payload }

    /// Writes the tag at the start of `buffer`.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, VLANField.payload)
        buffer.writeUInt16(tagControl, at: VLANField.tagControl)
        buffer.writeUInt16(etherType.rawValue, at: VLANField.etherType)
    }
}

/// The result of walking a stack of consecutive VLAN tags (802.1Q, 802.1ad, QinQ).
public struct VLANTagStack: Hashable, Sendable {
    /// How many tags were walked (0 when the type was not a VLAN TPID).
    public var count: Int
    /// The VLAN identifier of the first (outermost) tag; 0 when untagged.
    public var outerIdentifier: UInt16
    /// The VLAN identifier of the last (innermost) tag; 0 when untagged.
    public var innerIdentifier: UInt16
    /// The priority of the outermost tag; 0 when untagged.
    public var outerPriority: UInt8
    /// The type of what follows the last tag.
    public var innerEtherType: EtherType
    /// Where the payload after the last tag starts, relative to the walked bytes.
    public var payloadOffset: Int

    /// Walks the tags at the start of `bytes`, which follow a type field holding `etherType`.
    ///
    /// For an Ethernet frame pass its payload and its EtherType. When `etherType` is not a VLAN
    /// TPID the stack is empty and the payload starts at offset 0. Any number of tags is walked.
    @inlinable
    public init(walking bytes: UnsafeRawBufferPointer, etherType: EtherType) throws(WireError) {
        count = 0
        outerIdentifier = 0
        innerIdentifier = 0
        outerPriority = 0
        innerEtherType = etherType
        payloadOffset = 0
        while innerEtherType.isVLANTag {
            try requireLength(bytes.count, payloadOffset + VLANField.payload)
            let tag = VLANPacket(uncheckedBytes: bytes.slice(from: payloadOffset))
            if count == 0 {
                outerIdentifier = tag.identifier
                outerPriority = tag.priority
            }
            innerIdentifier = tag.identifier
            innerEtherType = tag.etherType
            count += 1
            payloadOffset += VLANField.payload
        }
    }
}
