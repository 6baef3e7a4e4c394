import CaptureFile
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

/// What happened to a station or a binding (SPEC §5).
public enum TableEventKind: String, Sendable, CaseIterable {
    /// A MAC first seen (in the network, or again at a site after it aged out there), or an
    /// IP first bound.
    case newStation = "new-station"
    /// A MAC seen at another port of the same site.
    case moved
    /// A MAC seen at another site.
    case migration
    /// An IP answered again by the MAC it had before its latest change (arpwatch's flip flop).
    case flipFlop = "flip-flop"
    /// An IP now answered by another MAC (arpwatch's changed ethernet address).
    case changedMAC = "changed-mac"
    /// An IP answered alternately by two MACs within the duplicate-IP window: both are live.
    case duplicateIP = "duplicate-ip"
    /// A MAC that moved N times within M seconds (RFC 7432 §15).
    case duplicateMAC = "duplicate-mac"
    /// A site's MAC entry that saw no frame for the aging time.
    case agedOut = "aged-out"
}

/// Why a move was noticed: the kind of the first frame seen at the new place.
public enum Evidence: String, Sendable, CaseIterable {
    case garp, rarp
    case unsolicitedNA = "unsolicited-na"
    case dhcp, frame
}

/// Which protocol taught an IP binding.
public enum BindingSource: String, Sendable, CaseIterable {
    /// ARP request or reply (the sender's addresses).
    case arp
    /// RARP reply (the server's addresses, and the address it assigns).
    case rarp
    /// Neighbor Solicitation (source link-layer option) or Advertisement (target).
    case nd
    /// DHCP ACK (the address given to the client hardware address).
    case dhcp
}

/// One event of the table timeline.
public struct TableEvent: Sendable, Equatable {
    public var time: Timestamp
    /// 1-based number of the frame in the time-ordered input (for `aged-out`: the last frame
    /// that refreshed the entry).
    public var packet: Int
    public var kind: TableEventKind
    public var segment: Segment
    public var mac: MACAddress
    public var ip: IPAddress?
    public var from: Topology.PortID?
    public var to: Topology.PortID?
    public var evidence: Evidence?
    /// For `changed-mac`, `flip-flop`, `duplicate-ip`: the MAC the IP had before.
    public var previousMAC: MACAddress?
    /// For events about an IP binding: the protocol that taught it.
    public var via: BindingSource?
    /// For `duplicate-mac`: the moves counted in the window.
    public var moves: Int?

    public init(time: Timestamp, packet: Int, kind: TableEventKind, segment: Segment, mac: MACAddress,
                ip: IPAddress? = nil, from: Topology.PortID? = nil, to: Topology.PortID? = nil,
                evidence: Evidence? = nil, previousMAC: MACAddress? = nil, via: BindingSource? = nil,
                moves: Int? = nil) {
        self.time = time
        self.packet = packet
        self.kind = kind
        self.segment = segment
        self.mac = mac
        self.ip = ip
        self.from = from
        self.to = to
        self.evidence = evidence
        self.previousMAC = previousMAC
        self.via = via
        self.moves = moves
    }

    public var station: StationKey { StationKey(segment: segment, mac: mac) }

    /// The documented JSON object (SPEC §5): time, packet, event, vlan, [segment], mac, ip?,
    /// from?, to?, evidence?, then previousMac?, via?, moves?.
    public func json(_ topology: Topology) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("time", .string(time.rfc3339)),
            ("packet", .int(Int64(packet))),
            ("event", .string(kind.rawValue)),
            ("vlan", .int(Int64(segment.identifier))),
        ]
        if segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
        fields.append(("mac", .string(mac.description)))
        if let ip { fields.append(("ip", .string(ip.description))) }
        if let from { fields.append(("from", placeJSON(from, topology))) }
        if let to { fields.append(("to", placeJSON(to, topology))) }
        if let evidence { fields.append(("evidence", .string(evidence.rawValue))) }
        if let previousMAC { fields.append(("previousMac", .string(previousMAC.description))) }
        if let via { fields.append(("via", .string(via.rawValue))) }
        if let moves { fields.append(("moves", .int(Int64(moves)))) }
        return .object(fields)
    }

    /// A flat row for the table and CSV formats (places as `site/port`).
    public func flatJSON(_ topology: Topology) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("time", .string(time.rfc3339)),
            ("packet", .int(Int64(packet))),
            ("event", .string(kind.rawValue)),
            ("vlan", .string(segment.isVXLAN ? "vni \(segment.identifier)" : String(segment.identifier))),
            ("mac", .string(mac.description)),
            ("ip", .string(ip?.description ?? "")),
            ("from", .string(from.map { placeText($0, topology) } ?? "")),
            ("to", .string(to.map { placeText($0, topology) } ?? "")),
            ("evidence", .string(evidence?.rawValue ?? "")),
        ]
        var detail: [String] = []
        if let previousMAC { detail.append("was \(previousMAC)") }
        if let via { detail.append("via \(via.rawValue)") }
        if let moves { detail.append("\(moves) moves") }
        fields.append(("detail", .string(detail.joined(separator: ", "))))
        return .object(fields)
    }

    /// The columns of `flatJSON`.
    public static let flatColumns = ["time", "packet", "event", "vlan", "mac", "ip", "from", "to", "evidence", "detail"]
}

/// `{"site", "port"}`.
public func placeJSON(_ id: Topology.PortID, _ topology: Topology) -> JSONValue {
    let names = topology.names(of: id)
    return .object([("site", .string(names.site)), ("port", .string(names.port))])
}

/// `site/port`.
public func placeText(_ id: Topology.PortID, _ topology: Topology) -> String {
    let names = topology.names(of: id)
    return "\(names.site)/\(names.port)"
}
