/// An EtherType: the protocol carried by an Ethernet frame, VLAN tag or Linux cooked header.
///
/// An open registry: values without a name here survive parsing and emitting unchanged.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public let rawValue: UInt16

    /// Wraps a 16-bit value.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// IPv4, `0x0800`.
    @inlinable public static var ipv4: EtherType { EtherType(rawValue: 0x0800) }
    /// ARP, `0x0806`.
    @inlinable public static var arp: EtherType { EtherType(rawValue: 0x0806) }
    /// Reverse ARP, `0x8035`.
    @inlinable public static var rarp: EtherType { EtherType(rawValue: 0x8035) }
    /// IEEE 802.1Q customer VLAN tag, `0x8100`.
    @inlinable public static var vlan: EtherType { EtherType(rawValue: 0x8100) }
    /// IEEE 802.1ad service VLAN tag (QinQ), `0x88a8`.
    @inlinable public static var qinq: EtherType { EtherType(rawValue: 0x88A8) }
    /// Pre-standard QinQ tag used by some vendors, `0x9100`.
    @inlinable public static var vlanDoubleTag: EtherType { EtherType(rawValue: 0x9100) }
    /// IPv6, `0x86dd`.
    @inlinable public static var ipv6: EtherType { EtherType(rawValue: 0x86DD) }
    /// MPLS unicast, `0x8847`.
    @inlinable public static var mplsUnicast: EtherType { EtherType(rawValue: 0x8847) }
    /// LLDP, `0x88cc`.
    @inlinable public static var lldp: EtherType { EtherType(rawValue: 0x88CC) }

    /// Whether this value introduces a VLAN tag (`0x8100`, `0x88a8` or `0x9100`).
    @inlinable public var isVLANTag: Bool {
        rawValue == 0x8100 || rawValue == 0x88A8 || rawValue == 0x9100
    }

    /// Whether the field is an IEEE 802.3 length (at most 1500) rather than an EtherType.
    @inlinable public var isLength: Bool { rawValue <= 1500 }

    /// The protocol's short name, or `0x` and four hexadecimal digits.
    public var description: String {
        switch rawValue {
        case 0x0800: "IPv4"
        case 0x0806: "ARP"
        case 0x8035: "RARP"
        case 0x8100: "802.1Q"
        case 0x88A8: "802.1ad"
        case 0x9100: "QinQ-9100"
        case 0x86DD: "IPv6"
        case 0x8847: "MPLS"
        case 0x88CC: "LLDP"
        default: "0x" + TextFormat.hex(rawValue, width: 4)
        }
    }
}
