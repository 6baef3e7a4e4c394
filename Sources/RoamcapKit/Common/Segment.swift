import PacketWire

/// A layer-2 segment: a VLAN (the outermost tag, 0 when untagged) or a VXLAN VNI.
public struct Segment: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The VLAN identifier, or the VNI with bit 24 set.
    public let rawValue: UInt32

    @inlinable public init(vlan: UInt16) { rawValue = UInt32(vlan & 0x0FFF) }
    @inlinable public init(vni: UInt32) { rawValue = 1 << 24 | (vni & 0xFF_FFFF) }

    /// Whether this is a VXLAN segment (a VNI).
    @inlinable public var isVXLAN: Bool { rawValue & (1 << 24) != 0 }
    /// The VLAN identifier or VNI.
    @inlinable public var identifier: UInt32 { rawValue & 0xFF_FFFF }

    public static func < (a: Segment, b: Segment) -> Bool { a.rawValue < b.rawValue }

    /// `10`, or `vni 5000`.
    public var description: String { isVXLAN ? "vni \(identifier)" : String(identifier) }
}

/// A station: a MAC address in a segment. The key of every MAC table.
public struct StationKey: Hashable, Comparable, Sendable {
    public var segment: Segment
    public var mac: MACAddress

    @inlinable public init(segment: Segment, mac: MACAddress) {
        self.segment = segment
        self.mac = mac
    }

    public static func < (a: StationKey, b: StationKey) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.mac < b.mac
    }
}

/// An IP address in a segment. The key of the ARP/ND binding table.
public struct BindingKey: Hashable, Comparable, Sendable {
    public var segment: Segment
    public var ip: IPAddress

    @inlinable public init(segment: Segment, ip: IPAddress) {
        self.segment = segment
        self.ip = ip
    }

    public static func < (a: BindingKey, b: BindingKey) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.ip < b.ip
    }
}
