/// An IP protocol number: IPv4's Protocol field, IPv6's Next Header field.
///
/// An open registry: values without a name here survive parsing and emitting unchanged.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps an 8-bit value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// IPv6 Hop-by-Hop Options header, 0.
    @inlinable public static var hopByHop: IPProtocol { IPProtocol(rawValue: 0) }
    /// ICMP, 1.
    @inlinable public static var icmp: IPProtocol { IPProtocol(rawValue: 1) }
    /// IGMP, 2.
    @inlinable public static var igmp: IPProtocol { IPProtocol(rawValue: 2) }
    /// IPv4 encapsulation (IP in IP), 4.
    @inlinable public static var ipv4: IPProtocol { IPProtocol(rawValue: 4) }
    /// TCP, 6.
    @inlinable public static var tcp: IPProtocol { IPProtocol(rawValue: 6) }
    /// UDP, 17.
    @inlinable public static var udp: IPProtocol { IPProtocol(rawValue: 17) }
    /// IPv6 encapsulation, 41.
    @inlinable public static var ipv6: IPProtocol { IPProtocol(rawValue: 41) }
    /// IPv6 Routing header, 43.
    @inlinable public static var routing: IPProtocol { IPProtocol(rawValue: 43) }
    /// IPv6 Fragment header, 44.
    @inlinable public static var fragment: IPProtocol { IPProtocol(rawValue: 44) }
    /// GRE, 47.
    @inlinable public static var gre: IPProtocol { IPProtocol(rawValue: 47) }
    /// Encapsulating Security Payload, 50.
    @inlinable public static var encapsulatingSecurityPayload: IPProtocol { IPProtocol(rawValue: 50) }
    /// Authentication Header, 51.
    @inlinable public static var authentication: IPProtocol { IPProtocol(rawValue: 51) }
    /// ICMPv6, 58.
    @inlinable public static var icmpv6: IPProtocol { IPProtocol(rawValue: 58) }
    /// IPv6 No Next Header, 59.
    @inlinable public static var noNextHeader: IPProtocol { IPProtocol(rawValue: 59) }
    /// IPv6 Destination Options header, 60.
    @inlinable public static var destinationOptions: IPProtocol { IPProtocol(rawValue: 60) }
    /// SCTP, 132.
    @inlinable public static var sctp: IPProtocol { IPProtocol(rawValue: 132) }
    /// Mobility header, 135.
    @inlinable public static var mobility: IPProtocol { IPProtocol(rawValue: 135) }
    /// Host Identity Protocol, 139.
    @inlinable public static var hostIdentity: IPProtocol { IPProtocol(rawValue: 139) }
    /// Shim6, 140.
    @inlinable public static var shim6: IPProtocol { IPProtocol(rawValue: 140) }

    /// Whether this is an IPv6 extension header with the generic layout the header chain walk
    /// follows (hop-by-hop, routing, fragment, destination options, AH, mobility, HIP, shim6).
    @inlinable public var isIPv6ExtensionHeader: Bool {
        switch rawValue {
        case 0, 43, 44, 51, 60, 135, 139, 140: true
        default: false
        }
    }

    /// The protocol's short name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 0: "HOPOPT"
        case 1: "ICMP"
        case 2: "IGMP"
        case 4: "IPv4"
        case 6: "TCP"
        case 17: "UDP"
        case 41: "IPv6"
        case 43: "IPv6-Route"
        case 44: "IPv6-Frag"
        case 47: "GRE"
        case 50: "ESP"
        case 51: "AH"
        case 58: "ICMPv6"
        case 59: "IPv6-NoNxt"
        case 60: "IPv6-Opts"
        case 132: "SCTP"
        case 135: "Mobility"
        case 139: "HIP"
        case 140: "Shim6"
        default: String(rawValue)
        }
    }
}
