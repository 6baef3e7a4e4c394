import CaptureFile
import PacketWire

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
    /// A captured EVPN MAC/IP route advertised (SPEC §8).
    case evpnAdvertise = "evpn-advertise"
    /// A captured EVPN MAC/IP route withdrawn (SPEC §8).
    case evpnWithdraw = "evpn-withdraw"
}

/// Why a move was noticed: the kind of the first frame seen at the new place.
public enum Evidence: String, Sendable, CaseIterable {
    case garp, rarp
    case unsolicitedNA = "unsolicited-na"
    case dhcp, frame
    /// MAC Mobility sequence numbers of captured EVPN routes (`duplicate-mac` only).
    case evpn
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
    /// For `evpn-advertise`, `evpn-withdraw` and `duplicate-mac` from sequence numbers: the route.
    public var evpn: EVPNRouteFacts?
    /// For `migration`, when the capture held EVPN routes: its advertisement (SPEC §8).
    public var advertisement: MigrationAdvertisement?

    /// A migration or a move: what flows tie outages to.
    public var isMove: Bool { kind == .migration || kind == .moved }

    public init(time: Timestamp, packet: Int, kind: TableEventKind, segment: Segment, mac: MACAddress,
                ip: IPAddress? = nil, from: Topology.PortID? = nil, to: Topology.PortID? = nil,
                evidence: Evidence? = nil, previousMAC: MACAddress? = nil, via: BindingSource? = nil,
                moves: Int? = nil, evpn: EVPNRouteFacts? = nil) {
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
        self.evpn = evpn
    }

    public var station: StationKey { StationKey(segment: segment, mac: mac) }


}
