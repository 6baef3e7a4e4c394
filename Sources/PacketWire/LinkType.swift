/// A pcap/pcapng link-layer header type (`LINKTYPE_*`).
///
/// An open registry: values without a name here survive unchanged. The pcap file header's 32-bit
/// field also carries FCS flags in its upper bits; use `init(linkTypeField:)` for it.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit link type.
    public let rawValue: UInt16

    /// Wraps a 16-bit link type.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Takes the link type from a pcap file header's 32-bit field, ignoring its FCS and reserved bits.
    @inlinable
    public init(linkTypeField: UInt32) { self.rawValue = UInt16(truncatingIfNeeded: linkTypeField) }

    /// BSD loopback: a 4-byte address family in the writer's byte order, `LINKTYPE_NULL` (0).
    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    /// Ethernet II, `LINKTYPE_ETHERNET` (1).
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// Raw IPv4 or IPv6, chosen by the version nibble, `LINKTYPE_RAW` (101).
    @inlinable public static var raw: LinkType { LinkType(rawValue: 101) }
    /// OpenBSD loopback: a 4-byte address family in network byte order, `LINKTYPE_LOOP` (108).
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    /// Linux cooked capture v1, `LINKTYPE_LINUX_SLL` (113).
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    /// Raw IPv4, `LINKTYPE_IPV4` (228).
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    /// Raw IPv6, `LINKTYPE_IPV6` (229).
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    /// Linux cooked capture v2, `LINKTYPE_LINUX_SLL2` (276).
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }

    /// The link type's name as libpcap spells it without `LINKTYPE_`, or its decimal number.
    public var description: String {
        switch rawValue {
        case 0: "NULL"
        case 1: "ETHERNET"
        case 101: "RAW"
        case 108: "LOOP"
        case 113: "LINUX_SLL"
        case 228: "IPV4"
        case 229: "IPV6"
        case 276: "LINUX_SLL2"
        default: String(rawValue)
        }
    }
}
