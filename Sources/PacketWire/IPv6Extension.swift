// IPv6 extension headers (RFC 8200 section 4). Hop-by-Hop Options, Routing and Destination
// Options share one layout, its length in 8-byte units not counting the first 8 bytes:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Next Header  |  Hdr Ext Len  |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  .            Header-specific data ((Hdr Ext Len + 1) * 8 bytes)  .
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Routing header (section 4.4), the specific data starting at byte 2:
//  |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
//
// Fragment header (section 4.5), always 8 bytes:
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Identification                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Authentication Header (RFC 4302 section 2), its length in 4-byte units minus 2:
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Next Header  |  Payload Len  |           Reserved            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Security Parameters Index (SPI)               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Sequence Number Field                      |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  .                Integrity Check Value (variable)               .
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// Byte offsets of the extension header fields.
@usableFromInline
enum IPv6ExtensionField {
    @inlinable static var nextHeader: Int { 0 }
    @inlinable static var length: Int { 1 }
    @inlinable static var routingType: Int { 2 }
    @inlinable static var segmentsLeft: Int { 3 }
    @inlinable static var fragmentOffsetAndFlags: Int { 2 }
    @inlinable static var identification: Int { 4 }
    @inlinable static var routingAddresses: Int { 8 }
    /// Every extension header is at least this long.
    @inlinable static var minimumLength: Int { 8 }
}

/// A read-only view of one IPv6 extension header (or an IPv4 Authentication Header).
public struct IPv6ExtensionHeader {
    /// The header's bytes, and whatever follows them.
    public let bytes: UnsafeRawBufferPointer
    /// Which header this is: the Next Header value that announced it.
    public let kind: IPProtocol

    /// Wraps `bytes` after checking that they hold the whole header of the given kind.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, kind: IPProtocol) throws(WireError) {
        try requireLength(bytes.count, IPv6ExtensionField.minimumLength)
        self.bytes = bytes
        self.kind = kind
        try requireLength(bytes.count, headerLength)
    }

    /// The type of the header that follows.
    @inlinable public var nextHeader: IPProtocol {
        IPProtocol(rawValue: bytes.readUInt8(at: IPv6ExtensionField.nextHeader))
    }

    /// The header's length in bytes, by the rule of its kind.
    @inlinable public var headerLength: Int {
        let field = Int(bytes.readUInt8(at: IPv6ExtensionField.length))
        switch kind {
        case .fragment: return 8
        case .authentication: return (field &+ 2) &* 4
        default: return (field &+ 1) &* 8
        }
    }

    /// The bytes after the header.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: headerLength) }

    /// A Fragment header's offset in bytes (0 for other kinds).
    @inlinable public var fragmentOffset: Int {
        kind == .fragment ? Int(bytes.readUInt16(at: IPv6ExtensionField.fragmentOffsetAndFlags) & 0xFFF8) : 0
    }
    /// A Fragment header's More Fragments flag (false for other kinds).
    @inlinable public var moreFragments: Bool {
        kind == .fragment && bytes.readUInt16(at: IPv6ExtensionField.fragmentOffsetAndFlags) & 1 != 0
    }
    /// A Fragment header's Identification (0 for other kinds).
    @inlinable public var fragmentIdentification: UInt32 {
        kind == .fragment ? bytes.readUInt32(at: IPv6ExtensionField.identification) : 0
    }
    /// A Routing header's type (0 for other kinds).
    @inlinable public var routingType: UInt8 {
        kind == .routing ? bytes.readUInt8(at: IPv6ExtensionField.routingType) : 0
    }
    /// A Routing header's Segments Left (0 for other kinds).
    @inlinable public var segmentsLeft: UInt8 {
        kind == .routing ? bytes.readUInt8(at: IPv6ExtensionField.segmentsLeft) : 0
    }

    /// The final destination named by a Routing header with segments left: the last address of
    /// a type 0 or type 2 header, the first segment of a type 4 (segment routing) header; nil
    /// otherwise. The transport pseudo-header uses it instead of the Destination Address.
    @inlinable public var finalDestination: IPv6Address? {
        guard kind == .routing, segmentsLeft > 0 else { return nil }
        let addresses = (headerLength &- IPv6ExtensionField.routingAddresses) / 16
        guard addresses > 0 else { return nil }
        switch routingType {
        case 0, 2:
            return IPv6Address(unchecked: bytes, at: IPv6ExtensionField.routingAddresses &+ 16 &* (addresses &- 1))
        case 4:
            return IPv6Address(unchecked: bytes, at: IPv6ExtensionField.routingAddresses)
        default:
            return nil
        }
    }
}

/// The fields of an IPv6 Fragment header.
public struct IPv6FragmentHeader: Hashable, Sendable {
    /// The type of the header that follows.
    public var nextHeader: IPProtocol
    /// The offset of the fragment's data in bytes (a multiple of 8).
    public var fragmentOffset: Int
    /// The More Fragments flag.
    public var moreFragments: Bool
    /// The Identification shared by the fragments of one packet.
    public var identification: UInt32

    /// Creates a header from its fields.
    @inlinable
    public init(nextHeader: IPProtocol, fragmentOffset: Int, moreFragments: Bool, identification: UInt32) {
        self.nextHeader = nextHeader
        self.fragmentOffset = fragmentOffset
        self.moreFragments = moreFragments
        self.identification = identification
    }

    /// Reads a Fragment header; `invalidField` if the view is of another kind.
    @inlinable
    public init(_ header: IPv6ExtensionHeader) throws(WireError) {
        guard header.kind == .fragment else { throw WireError(.invalidField, at: IPv6ExtensionField.nextHeader) }
        self.init(
            nextHeader: header.nextHeader, fragmentOffset: header.fragmentOffset,
            moreFragments: header.moreFragments, identification: header.fragmentIdentification)
    }

    /// The length of the emitted header, 8 bytes.
    @inlinable public var headerLength: Int { 8 }

    /// Writes the header at the start of `buffer`; `invalidField` for an offset that is not a
    /// multiple of 8 below 65536.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, 8)
        guard fragmentOffset >= 0, fragmentOffset & 7 == 0, fragmentOffset < 0x10000 else {
            throw WireError(.invalidField, at: IPv6ExtensionField.fragmentOffsetAndFlags)
        }
        buffer.writeUInt8(nextHeader.rawValue, at: IPv6ExtensionField.nextHeader)
        buffer.writeUInt8(0, at: IPv6ExtensionField.length)
        buffer.writeUInt16(UInt16(fragmentOffset) | (moreFragments ? 1 : 0), at: IPv6ExtensionField.fragmentOffsetAndFlags)
        buffer.writeUInt32(identification, at: IPv6ExtensionField.identification)
    }
}

/// The result of walking an IPv6 packet's extension headers to its upper-layer header.
///
/// Walks Hop-by-Hop, Routing, Fragment, Destination Options, AH, Mobility, HIP and Shim6
/// headers. It stops at the first other protocol (TCP, UDP, ICMPv6, ESP, No Next Header…), and
/// after a Fragment header whose offset is not zero, since what follows is then the middle of
/// the original packet rather than a header.
public struct IPv6HeaderChain: Hashable, Sendable {
    /// The protocol of the upper layer (for a non-first fragment, the one it belongs to).
    public var upperLayerProtocol: IPProtocol
    /// Where the upper-layer header (or a non-first fragment's data) starts in the walked bytes.
    public var upperLayerOffset: Int
    /// How many extension headers were walked.
    public var extensionHeaderCount: Int
    /// Whether a Fragment header was met.
    public var isFragment: Bool
    /// The Fragment header's offset in bytes (0 without one).
    public var fragmentOffset: Int
    /// The Fragment header's More Fragments flag.
    public var moreFragments: Bool
    /// The Fragment header's Identification.
    public var fragmentIdentification: UInt32
    /// The final destination of a Routing header with segments left, if any.
    public var finalDestination: IPv6Address?

    /// Whether the upper-layer header is present (not a non-first fragment, nor No Next Header).
    @inlinable public var hasUpperLayerHeader: Bool {
        fragmentOffset == 0 && upperLayerProtocol != .noNextHeader
    }

    /// Walks the headers at the start of `bytes` (an IPv6 payload), the first of type `firstHeader`.
    @inlinable
    public init(walking bytes: UnsafeRawBufferPointer, firstHeader: IPProtocol) throws(WireError) {
        upperLayerProtocol = firstHeader
        upperLayerOffset = 0
        extensionHeaderCount = 0
        isFragment = false
        fragmentOffset = 0
        moreFragments = false
        fragmentIdentification = 0
        finalDestination = nil
        while upperLayerProtocol.isIPv6ExtensionHeader {
            let header: IPv6ExtensionHeader
            do {
                header = try IPv6ExtensionHeader(bytes.slice(from: upperLayerOffset), kind: upperLayerProtocol)
            } catch {
                throw error.shifted(by: upperLayerOffset)
            }
            extensionHeaderCount += 1
            upperLayerOffset += header.headerLength
            upperLayerProtocol = header.nextHeader
            if header.kind == .routing, let destination = header.finalDestination {
                finalDestination = destination
            }
            if header.kind == .fragment {
                isFragment = true
                fragmentOffset = header.fragmentOffset
                moreFragments = header.moreFragments
                fragmentIdentification = header.fragmentIdentification
                if fragmentOffset != 0 { break }
            }
        }
    }
}
