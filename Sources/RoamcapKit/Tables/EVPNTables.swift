import CaptureFile
import PacketWire

/// What an `evpn-advertise` or `evpn-withdraw` event says about its route (SPEC §8).
public struct EVPNRouteFacts: Sendable, Equatable {
    /// The site the route is attributed to (next hop, then RD); nil when none claims it.
    public var site: String?
    /// The VNI (label 1 of the route).
    public var vni: UInt32?
    public var routeDistinguisher: RouteDistinguisher
    public var nextHop: IPAddress?
    /// The MAC Mobility sequence number; nil without the community.
    public var sequence: UInt32?
    public var sticky: Bool

    public init(site: String?, vni: UInt32?, routeDistinguisher: RouteDistinguisher, nextHop: IPAddress?,
                sequence: UInt32?, sticky: Bool) {
        self.site = site
        self.vni = vni
        self.routeDistinguisher = routeDistinguisher
        self.nextHop = nextHop
        self.sequence = sequence
        self.sticky = sticky
    }
}

/// For a `migration`: the first captured advertisement of the MAC from its new site after it.
public struct MigrationAdvertisement: Sendable, Equatable {
    /// Its capture time; nil when none was captured.
    public var time: Timestamp?
    /// Nanoseconds from the migration to it.
    public var delay: Int64?
}

/// The EVPN MAC/IP routes standing at one moment (the `--at` snapshot's `evpn` rows).
public struct EVPNRouteRow: Sendable, Equatable {
    public var station: StationKey
    public var ip: IPAddress?
    public var facts: EVPNRouteFacts
    /// When the route (as it stands) was advertised, and by which packet.
    public var advertised: Timestamp
    public var packet: Int
}

/// The control plane's state in `tables`: the MAC/IP routes standing, each station's highest
/// sequence number and moves (RFC 7432 §15), and every advertisement's time and site (to find
/// each migration's advertisement at the end).
struct EVPNTableState {
    /// A type-2 route's identity: RD, Ethernet tag, MAC, IP (RFC 7432 §7.2).
    struct RouteKey: Hashable {
        var routeDistinguisher: RouteDistinguisher
        var ethernetTag: UInt32
        var mac: MACAddress
        var ip: IPAddress?
    }

    struct Standing {
        var row: EVPNRouteRow
        var withdrawn: Bool
    }

    struct SequenceState {
        var highest: UInt32
        var moveTimes: [Timestamp] = []
        var duplicateReported = false
    }

    var routes: [RouteKey: Standing] = [:]
    var sequences: [StationKey: SequenceState] = [:]
    /// Per station, the advertisements in capture order: (time, site).
    var advertisements: [StationKey: [(time: Timestamp, site: String?)]] = [:]
    /// Whether any EVPN MAC/IP route was captured (migrations then carry `advertised`).
    var seen = false
    /// Routes reported as events, and those among them no site claims.
    var reported = 0
    var unattributed = 0
}

extension TableTracker {
    /// EVPN MAC/IP routes reported as events, and those no site of the topology claims.
    public var evpnRouteCounts: (reported: Int, unattributed: Int) { (evpnState.reported, evpnState.unattributed) }

    private func count(_ facts: EVPNRouteFacts) {
        evpnState.reported += 1
        if facts.site == nil { evpnState.unattributed += 1 }
    }

    /// Takes one route read from the capture (SPEC §8): an EVPN MAC/IP advertisement or
    /// withdrawal becomes an `evpn-advertise` or `evpn-withdraw` event, unless it repeats the
    /// route as it stands (a route reflector's copy to another client, a refresh); a higher
    /// MAC Mobility sequence number for the station counts as a move for `duplicate-mac`.
    public func observe(route record: BGPRouteRecord) {
        guard record.family == .evpn, let route = record.evpn, route.type == .macIPAdvertisement,
              let mac = route.mac
        else { return }
        advance(to: record.time)
        evpnState.seen = true
        let evpn = topology.evpn
        let key = EVPNTableState.RouteKey(routeDistinguisher: route.routeDistinguisher, ethernetTag: route.ethernetTag ?? 0,
                                          mac: mac, ip: route.ip)
        let standing = evpnState.routes[key]
        switch record.action {
        case .advertise:
            let vni = record.vni ?? route.label1
            let facts = EVPNRouteFacts(site: evpn.site(nextHop: record.attributes.nextHop,
                                                       routeDistinguisher: route.routeDistinguisher),
                                       vni: vni, routeDistinguisher: route.routeDistinguisher,
                                       nextHop: record.attributes.nextHop, sequence: record.attributes.sequence,
                                       sticky: record.attributes.sticky)
            let station = StationKey(segment: evpn.segment(ofRouteVNI: vni), mac: mac)
            if let standing, !standing.withdrawn, standing.row.facts == facts, standing.row.station == station { return }
            evpnState.routes[key] = .init(row: EVPNRouteRow(station: station, ip: route.ip, facts: facts,
                                                            advertised: record.time, packet: record.packet),
                                          withdrawn: false)
            evpnState.advertisements[station, default: []].append((record.time, facts.site))
            count(facts)
            report(TableEvent(time: record.time, packet: record.packet, kind: .evpnAdvertise, segment: station.segment,
                              mac: mac, ip: route.ip, evpn: facts))
            noteSequence(facts.sequence ?? 0, station: station, facts: facts, time: record.time, packet: record.packet)
        case .withdraw:
            if let standing, standing.withdrawn { return }
            let vni = standing?.row.facts.vni ?? record.vni ?? route.label1
            let facts = EVPNRouteFacts(site: standing?.row.facts.site
                                           ?? evpn.site(nextHop: record.attributes.nextHop,
                                                        routeDistinguisher: route.routeDistinguisher),
                                       vni: vni, routeDistinguisher: route.routeDistinguisher,
                                       nextHop: record.attributes.nextHop ?? standing?.row.facts.nextHop,
                                       sequence: record.attributes.sequence ?? standing?.row.facts.sequence,
                                       sticky: standing?.row.facts.sticky ?? record.attributes.sticky)
            let station = standing?.row.station ?? StationKey(segment: evpn.segment(ofRouteVNI: vni), mac: mac)
            if var standing {
                standing.withdrawn = true
                evpnState.routes[key] = standing
            } else {
                evpnState.routes[key] = .init(row: EVPNRouteRow(station: station, ip: route.ip, facts: facts,
                                                                advertised: record.time, packet: record.packet),
                                              withdrawn: true)
            }
            count(facts)
            report(TableEvent(time: record.time, packet: record.packet, kind: .evpnWithdraw, segment: station.segment,
                              mac: mac, ip: route.ip, evpn: facts))
        }
    }

    /// RFC 7432 §15 on sequence numbers: an advertisement with a sequence number higher than
    /// any seen for the station is a move; N moves within M seconds is a `duplicate-mac` with
    /// evidence `evpn` (once, until the moves slow down).
    private func noteSequence(_ sequence: UInt32, station: StationKey, facts: EVPNRouteFacts, time: Timestamp, packet: Int) {
        guard var state = evpnState.sequences[station] else {
            evpnState.sequences[station] = .init(highest: sequence)
            return
        }
        guard sequence > state.highest else { return }
        state.highest = sequence
        let n = max(settings.duplicateMoves, 1)
        state.moveTimes.append(time)
        if state.moveTimes.count > n { state.moveTimes.removeFirst(state.moveTimes.count - n) }
        if state.moveTimes.count == n {
            let inWindow = time.nanoseconds(since: state.moveTimes[0]) <= settings.duplicateWindow
            if inWindow && !state.duplicateReported {
                state.duplicateReported = true
                report(TableEvent(time: time, packet: packet, kind: .duplicateMAC, segment: station.segment, mac: station.mac,
                                  evidence: .evpn, moves: n, evpn: facts))
            } else if !inWindow {
                state.duplicateReported = false
            }
        }
        evpnState.sequences[station] = state
    }

    /// Gives each `migration` of `events` its advertisement: the first captured advertisement
    /// of the station from the migration's new site at or after it (SPEC §8). Does nothing when
    /// the capture held no EVPN MAC/IP route.
    public func attachAdvertisements(to events: inout [TableEvent]) {
        guard evpnState.seen else { return }
        for index in events.indices where events[index].kind == .migration {
            let event = events[index]
            guard let to = event.to else { continue }
            let site = topology.sites[Int(to.site)].name
            let first = evpnState.advertisements[event.station]?.first { !($0.time < event.time) && $0.site == site }
            events[index].advertisement = MigrationAdvertisement(
                time: first?.time, delay: first.map { $0.time.nanoseconds(since: event.time) })
        }
    }

    /// The EVPN MAC/IP routes standing now, by site (unattributed last), station, RD.
    func evpnRows() -> [EVPNRouteRow] {
        let order = Dictionary(topology.sites.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        return evpnState.routes.values.filter { !$0.withdrawn }.map(\.row).sorted { a, b in
            let sa = a.facts.site.flatMap { order[$0] } ?? Int.max, sb = b.facts.site.flatMap { order[$0] } ?? Int.max
            if sa != sb { return sa < sb }
            if a.station != b.station { return a.station < b.station }
            if a.facts.routeDistinguisher != b.facts.routeDistinguisher {
                return a.facts.routeDistinguisher.rawValue < b.facts.routeDistinguisher.rawValue
            }
            return (a.ip?.description ?? "") < (b.ip?.description ?? "")
        }
    }
}
