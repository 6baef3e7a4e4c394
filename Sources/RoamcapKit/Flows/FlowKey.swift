import PacketWire

/// What a flow carries: an IP protocol (with the IP version), or ARP as a pseudo-flow.
public struct FlowFamily: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8

    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var ipv4: FlowFamily { FlowFamily(rawValue: 4) }
    @inlinable public static var ipv6: FlowFamily { FlowFamily(rawValue: 6) }
    /// ARP between a sender and a target IPv4 address (requests and their replies).
    @inlinable public static var arp: FlowFamily { FlowFamily(rawValue: 1) }
}

/// The key of a bidirectional flow: protocol, the two endpoints in canonical order (the lower
/// address, then port, is `a`), and the segment (VLAN or VXLAN VNI).
///
/// Like gopacket's `Flow`/`Endpoint` keys: a fixed-size value (48 bytes, no references), equal —
/// hence hashing the same — for both directions of a conversation, so one dictionary lookup
/// finds the flow whichever side sent the packet. `FlowKey.make` also says which side that was.
public struct FlowKey: Hashable, Sendable {
    /// Endpoint `a`'s address (IPv4 in `aLow`'s low 32 bits).
    public var aHigh: UInt64
    public var aLow: UInt64
    /// Endpoint `b`'s address.
    public var bHigh: UInt64
    public var bLow: UInt64
    /// Ports (TCP/UDP), the echo identifier (ICMP echo, on both sides), else 0.
    public var aPort: UInt16
    public var bPort: UInt16
    /// The IP protocol number (0 for ARP).
    public var ipProtocol: UInt8
    public var family: FlowFamily
    /// `Segment.rawValue`: the outer VLAN (0 untagged) or a VNI.
    public var segment: UInt32

    /// The key of a packet from `source`:`sourcePort` to `destination`:`destinationPort`, and
    /// whether the source is endpoint `b` (the packet goes b → a).
    @inlinable
    public static func make(family: FlowFamily, ipProtocol: UInt8, segment: Segment,
                            source: (high: UInt64, low: UInt64), sourcePort: UInt16,
                            destination: (high: UInt64, low: UInt64), destinationPort: UInt16)
        -> (key: FlowKey, fromB: Bool)
    {
        let fromB: Bool
        if source.high != destination.high {
            fromB = source.high > destination.high
        } else if source.low != destination.low {
            fromB = source.low > destination.low
        } else {
            fromB = sourcePort > destinationPort
        }
        let a = fromB ? destination : source, b = fromB ? source : destination
        return (FlowKey(aHigh: a.high, aLow: a.low, bHigh: b.high, bLow: b.low,
                        aPort: fromB ? destinationPort : sourcePort, bPort: fromB ? sourcePort : destinationPort,
                        ipProtocol: ipProtocol, family: family, segment: segment.rawValue), fromB)
    }

    @inlinable
    init(aHigh: UInt64, aLow: UInt64, bHigh: UInt64, bLow: UInt64, aPort: UInt16, bPort: UInt16, ipProtocol: UInt8,
         family: FlowFamily, segment: UInt32) {
        self.aHigh = aHigh
        self.aLow = aLow
        self.bHigh = bHigh
        self.bLow = bLow
        self.aPort = aPort
        self.bPort = bPort
        self.ipProtocol = ipProtocol
        self.family = family
        self.segment = segment
    }

    /// The key as seen from the other side: the same value (keys are canonical).
    public var reversed: FlowKey { self }

    /// The layer-2 segment.
    public var segmentValue: Segment { Segment(rawValue: segment) }

    /// Endpoint `a`'s address.
    public var addressA: IPAddress { FlowKey.address(aHigh, aLow, family) }
    /// Endpoint `b`'s address.
    public var addressB: IPAddress { FlowKey.address(bHigh, bLow, family) }

    static func address(_ high: UInt64, _ low: UInt64, _ family: FlowFamily) -> IPAddress {
        family == .ipv6 ? .v6(IPv6Address(high: high, low: low)) : .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)))
    }

    /// Whether the key has ports (TCP, UDP).
    public var hasPorts: Bool {
        family != .arp && FlowKey.protocolsWithPorts.contains(ipProtocol)
    }

    static let protocolsWithPorts: Set<UInt8> = [6, 17]

    /// The protocol's name in reports: `tcp`, `udp`, `icmp`, `icmpv6`, `arp`, `sctp`, `gre`,
    /// `esp`…, else the protocol number.
    public var protocolName: String {
        if family == .arp { return "arp" }
        switch ipProtocol {
        case 1: return "icmp"
        case 2: return "igmp"
        case 6: return "tcp"
        case 17: return "udp"
        case 41: return "ipv6"
        case 4: return "ipip"
        case 47: return "gre"
        case 50: return "esp"
        case 51: return "ah"
        case 58: return "icmpv6"
        case 89: return "ospf"
        case 103: return "pim"
        case 112: return "vrrp"
        case 132: return "sctp"
        default: return String(ipProtocol)
        }
    }
}

extension Segment {
    /// A segment from its raw value (a VLAN, or a VNI with bit 24 set).
    @inlinable
    public init(rawValue: UInt32) {
        if rawValue & (1 << 24) != 0 { self.init(vni: rawValue) } else { self.init(vlan: UInt16(truncatingIfNeeded: rawValue)) }
    }
}

extension IPAddress {
    /// The address as two 64-bit halves (IPv4 in the low 32 bits of `low`).
    @inlinable
    var halves: (high: UInt64, low: UInt64) {
        switch self {
        case .v4(let a): (0, UInt64(a.rawValue))
        case .v6(let a): (a.high, a.low)
        }
    }
}

/// Identifies the fragments of one IP datagram, to give the later fragments (which have no
/// ports) the flow of the first.
struct FragmentKey: Hashable {
    var sourceHigh: UInt64
    var sourceLow: UInt64
    var destinationHigh: UInt64
    var destinationLow: UInt64
    var identification: UInt32
    var ipProtocol: UInt8
    var segment: UInt32
}

/// Sequence-number arithmetic (RFC 1982): `a` before `b`.
@inline(__always)
func sequenceLess(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
