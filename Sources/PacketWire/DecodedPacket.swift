/// The layers a decoded packet holds.
public struct DecodedLayers: OptionSet, Hashable, Sendable {
    /// One bit per layer.
    public let rawValue: UInt32

    /// Wraps a set of layer bits.
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// An Ethernet II header.
    @inlinable public static var ethernet: DecodedLayers { DecodedLayers(rawValue: 1 << 0) }
    /// A Linux cooked capture v1 header.
    @inlinable public static var linuxSLL: DecodedLayers { DecodedLayers(rawValue: 1 << 1) }
    /// A Linux cooked capture v2 header.
    @inlinable public static var linuxSLL2: DecodedLayers { DecodedLayers(rawValue: 1 << 2) }
    /// A BSD loopback (NULL or LOOP) address family header.
    @inlinable public static var loopback: DecodedLayers { DecodedLayers(rawValue: 1 << 3) }
    /// At least one VLAN tag.
    @inlinable public static var vlan: DecodedLayers { DecodedLayers(rawValue: 1 << 4) }
    /// An Ethernet/IPv4 ARP or RARP packet.
    @inlinable public static var arp: DecodedLayers { DecodedLayers(rawValue: 1 << 5) }
    /// An IPv4 header.
    @inlinable public static var ipv4: DecodedLayers { DecodedLayers(rawValue: 1 << 6) }
    /// An IPv6 header.
    @inlinable public static var ipv6: DecodedLayers { DecodedLayers(rawValue: 1 << 7) }
    /// A TCP header.
    @inlinable public static var tcp: DecodedLayers { DecodedLayers(rawValue: 1 << 8) }
    /// A UDP header.
    @inlinable public static var udp: DecodedLayers { DecodedLayers(rawValue: 1 << 9) }
    /// An ICMPv4 header.
    @inlinable public static var icmpv4: DecodedLayers { DecodedLayers(rawValue: 1 << 10) }
    /// An ICMPv6 header.
    @inlinable public static var icmpv6: DecodedLayers { DecodedLayers(rawValue: 1 << 11) }
    /// A VXLAN header (its inner frame at `innerFrameOffset`, decoded into `inner`).
    @inlinable public static var vxlan: DecodedLayers { DecodedLayers(rawValue: 1 << 12) }
    /// The IP header quoted by an ICMP error.
    @inlinable public static var embeddedIP: DecodedLayers { DecodedLayers(rawValue: 1 << 13) }
    /// The ports of the transport header quoted by an ICMP error.
    @inlinable public static var embeddedTransport: DecodedLayers { DecodedLayers(rawValue: 1 << 14) }
    /// An IPv4 AH or IPv6 extension headers before the upper layer.
    @inlinable public static var ipExtensions: DecodedLayers { DecodedLayers(rawValue: 1 << 15) }
}

/// What `PacketDecoder` found in one packet: offsets and small values per layer.
///
/// Preallocate one and let the decoder refill it for each packet; nothing in it allocates.
/// Offsets count from the first captured byte; a field is meaningful only when `layers` holds
/// its layer (otherwise it is zero or nil).
public struct DecodedPacket: Sendable {
    /// The layers found, outermost first in meaning.
    public var layers: DecodedLayers = []
    /// Whether the capture ends before a header did, or before a length field said it would.
    public var isTruncated = false
    /// The first problem met, with its offset in the packet: why decoding stopped early, or (for
    /// `truncated`) where the bytes ran out. Nil when nothing went wrong; a protocol the decoder
    /// does not know simply ends decoding without an error.
    public var error: WireError? = nil
    /// The number of captured bytes decoded.
    public var capturedLength = 0

    // MARK: Link layer

    /// The link type the packet was decoded as.
    public var linkType = LinkType.ethernet
    /// The source MAC address (Ethernet, or a cooked header with a 6-byte address).
    public var sourceMACAddress: MACAddress? = nil
    /// The destination MAC address (Ethernet only).
    public var destinationMACAddress: MACAddress? = nil
    /// The packet direction from a Linux cooked header.
    public var linuxPacketType: LinuxSLLPacketType? = nil
    /// The interface index from a Linux cooked v2 header.
    public var interfaceIndex: UInt32? = nil
    /// How many VLAN tags were walked.
    public var vlanCount = 0
    /// The outermost VLAN identifier (0 when untagged).
    public var outerVLANIdentifier: UInt16 = 0
    /// The innermost VLAN identifier (0 when untagged).
    public var innerVLANIdentifier: UInt16 = 0
    /// The type of the network layer, after any VLAN tags.
    public var etherType = EtherType(rawValue: 0)
    /// Where the network layer (IP or ARP) starts.
    public var networkOffset = 0

    // MARK: Network layer

    /// The source IP address.
    public var sourceAddress: IPAddress? = nil
    /// The destination IP address.
    public var destinationAddress: IPAddress? = nil
    /// The upper-layer protocol (after IPv6 extension headers and IPv4 AH).
    public var ipProtocol = IPProtocol(rawValue: 0)
    /// The IPv4 Time to Live or IPv6 Hop Limit.
    public var hopLimit: UInt8 = 0
    /// The IP packet's length as its header claims it (IPv4 Total Length, IPv6 40 + Payload
    /// Length); may exceed what was captured.
    public var ipLength = 0
    /// Where the IP packet ends in the captured bytes (trailing Ethernet padding excluded).
    public var networkEndOffset = 0
    /// Whether the packet is an IP fragment.
    public var isFragment = false
    /// The fragment's offset in bytes within the original packet.
    public var fragmentOffset = 0
    /// The More Fragments flag.
    public var moreFragments = false
    /// The fragment Identification (16 bits for IPv4, 32 for IPv6).
    public var fragmentIdentification: UInt32 = 0
    /// Where the upper-layer header starts (for a non-first fragment, where its data starts).
    public var transportOffset = 0

    // MARK: Transport layer

    /// The TCP or UDP source port.
    public var sourcePort: UInt16 = 0
    /// The TCP or UDP destination port.
    public var destinationPort: UInt16 = 0
    /// The TCP control bits.
    public var tcpFlags = TCPFlags()
    /// The TCP sequence number.
    public var sequenceNumber: UInt32 = 0
    /// The TCP acknowledgment number.
    public var acknowledgmentNumber: UInt32 = 0
    /// Where the application data after the transport header starts.
    public var payloadOffset = 0
    /// How many application data bytes were captured.
    public var payloadLength = 0

    // MARK: ARP

    /// The ARP or RARP fields (Ethernet/IPv4 form).
    public var arp: ARPHeader? = nil

    // MARK: ICMP and Neighbor Discovery

    /// The ICMPv4 or ICMPv6 type (see `icmpv4Type`, `icmpv6Type`).
    public var icmpType: UInt8 = 0
    /// The ICMP code.
    public var icmpCode: UInt8 = 0
    /// Where the IP header quoted by an ICMP error starts.
    public var embeddedOffset = 0
    /// The quoted packet's source address.
    public var embeddedSourceAddress: IPAddress? = nil
    /// The quoted packet's destination address.
    public var embeddedDestinationAddress: IPAddress? = nil
    /// The quoted packet's upper-layer protocol.
    public var embeddedProtocol = IPProtocol(rawValue: 0)
    /// Where the quoted packet's transport header starts.
    public var embeddedTransportOffset = 0
    /// The quoted transport header's source port.
    public var embeddedSourcePort: UInt16 = 0
    /// The quoted transport header's destination port.
    public var embeddedDestinationPort: UInt16 = 0
    /// The target address of a Neighbor Solicitation, Advertisement or Redirect.
    public var ndpTargetAddress: IPv6Address? = nil
    /// The R, S and O flags of a Neighbor Advertisement.
    public var neighborAdvertisementFlags = NeighborAdvertisementFlags()
    /// The MAC address of a Source Link-Layer Address option.
    public var ndpSourceLinkLayerAddress: MACAddress? = nil
    /// The MAC address of a Target Link-Layer Address option.
    public var ndpTargetLinkLayerAddress: MACAddress? = nil

    // MARK: VXLAN

    /// The VXLAN Network Identifier.
    public var vxlanNetworkIdentifier: UInt32 = 0
    /// Where the VXLAN header starts.
    public var vxlanOffset = 0
    /// Where the encapsulated Ethernet frame starts.
    public var innerFrameOffset = 0
    /// The encapsulated frame, decoded once by the decoder that decoded this packet (as
    /// Ethernet, with the same VXLAN ports): nil unless `layers` holds `.vxlan` and the inner
    /// Ethernet header was captured. Its offsets count from `innerFrameOffset` (read it with
    /// the bytes from there on). One level only: a VXLAN frame inside it is located, not decoded.
    @inlinable public var inner: DecodedPacket? { hasInnerFrame ? innerStorage?.packet : nil }

    /// Whether `innerStorage` holds this packet's inner frame (else it holds an older one, kept
    /// so that decoding the next VXLAN packet allocates nothing).
    @usableFromInline internal var hasInnerFrame = false
    /// Whether this is an inner frame (whose own inner frame is not decoded).
    internal var isInnerFrame = false
    /// The inner frame, in a box shared by copies and replaced before a change when it is
    /// shared (copy on write): a `DecodedPacket` cannot hold one directly.
    @usableFromInline internal var innerStorage: InnerFrameStorage? = nil

    /// An empty result.
    public init() {}

    /// Empties the packet for the next decode, keeping the inner frame's box for reuse.
    @inline(__always)
    internal mutating func reset() {
        let storage = innerStorage
        self = DecodedPacket()
        innerStorage = storage
    }

    /// The inner frame's box, owned by this packet alone (a new one when a copy shares it).
    internal mutating func uniqueInnerStorage() -> InnerFrameStorage {
        if !isKnownUniquelyReferenced(&innerStorage) { innerStorage = InnerFrameStorage() }
        return innerStorage!
    }

    /// The ICMP type as an ICMPv4 type.
    @inlinable public var icmpv4Type: ICMPv4Type { ICMPv4Type(rawValue: icmpType) }
    /// The ICMP type as an ICMPv6 type.
    @inlinable public var icmpv6Type: ICMPv6Type { ICMPv6Type(rawValue: icmpType) }

    /// Records a problem met in a layer that starts at `base`, keeping the first one.
    @usableFromInline
    internal mutating func record(_ problem: WireError, at base: Int) {
        if problem.kind == .truncated { isTruncated = true }
        if error == nil { error = problem.shifted(by: base) }
    }
}

/// The box of a `DecodedPacket`'s inner frame. Sendable: it is changed only by the decoder,
/// and only while one packet alone holds it (`uniqueInnerStorage`).
@usableFromInline
final class InnerFrameStorage: @unchecked Sendable {
    @usableFromInline var packet = DecodedPacket()
    init() {}
}
