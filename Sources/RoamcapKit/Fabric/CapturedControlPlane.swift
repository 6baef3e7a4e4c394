import CaptureFile
import PacketWire

/// One EVPN MAC/IP route of the capture as the fabric applies it (SPEC §8).
struct CapturedAdvertisement {
    /// ns after the first packet: the capture time of the segment completing the UPDATE.
    var time: Int64
    /// The advertising (or withdrawing) site.
    var site: Int32
    var station: StationKey
    /// The MAC Mobility sequence number, 0 without it.
    var sequence: UInt32
    var withdraw: Bool
}

/// Collects the captured control plane during the fabric's first pass: BGP and BMP sessions
/// on every interface, their EVPN MAC/IP routes attributed to sites by the topology's `evpn`
/// entries (a withdrawal, which carries no next hop, to the site of the route it withdraws);
/// routes no site claims cannot be applied and are counted.
final class CapturedControlPlane {
    /// What the session reader's handler fills.
    final class Routes {
        struct Key: Hashable {
            var routeDistinguisher: RouteDistinguisher
            var ethernetTag: UInt32
            var mac: MACAddress
            var ip: IPAddress?
        }

        var advertisements: [CapturedAdvertisement] = []
        var unattributed = 0
        var siteOfRoute: [Key: Int32] = [:]
        let base: Timestamp
        let topology: () -> Topology

        init(base: Timestamp, topology: @escaping () -> Topology) {
            self.base = base
            self.topology = topology
        }

        func take(_ record: BGPRouteRecord) {
            guard record.family == .evpn, let route = record.evpn, route.type == .macIPAdvertisement, let mac = route.mac
            else { return }
            let topology = topology()
            let key = Key(routeDistinguisher: route.routeDistinguisher, ethernetTag: route.ethernetTag ?? 0, mac: mac,
                          ip: route.ip)
            var site: Int32?
            if record.action == .withdraw, let known = siteOfRoute[key] {
                site = known
            } else if let name = topology.evpn.site(nextHop: record.attributes.nextHop,
                                                    routeDistinguisher: route.routeDistinguisher),
                      let index = topology.site(named: name) {
                site = Int32(index)
            }
            guard let site else {
                unattributed += 1
                return
            }
            if record.action == .advertise { siteOfRoute[key] = site }
            let station = StationKey(segment: topology.evpn.segment(ofRouteVNI: record.vni ?? route.label1), mac: mac)
            advertisements.append(CapturedAdvertisement(time: record.time.nanoseconds(since: base), site: site,
                                                        station: station, sequence: record.attributes.sequence ?? 0,
                                                        withdraw: record.action == .withdraw))
        }
    }

    let routes: Routes
    private let reader: BGPSessionReader

    init(settings: ControlPlaneSettings, topology: @escaping () -> Topology, base: Timestamp) {
        let routes = Routes(base: base, topology: topology)
        self.routes = routes
        reader = BGPSessionReader(settings: settings) { message in
            for route in BGPUpdateDecoder.routes(of: message).routes { routes.take(route) }
        }
    }

    var advertisements: [CapturedAdvertisement] { routes.advertisements }
    var unattributed: Int { routes.unattributed }

    @inline(__always)
    func observe(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, time: Timestamp, packet: Int) {
        reader.observe(decoded, bytes: bytes, time: time, packet: packet)
    }

    func finish(time: Timestamp, packet: Int) { reader.finish(time: time, packet: packet) }
}

/// The captured advertisements mapped onto the ground truth's stations, in time order.
struct CapturedSchedule {
    struct Item {
        var time: Int64
        var site: Int32
        var station: Int32
        var sequence: UInt32
        var withdraw: Bool
    }

    var items: [Item] = []
    /// Per migration of the ground truth: whether no advertisement from its new site was
    /// captured at or after it (SPEC §8's `unadvertised`).
    var unadvertised: [Bool] = []

    init() {}

    init(_ captured: [CapturedAdvertisement], truth: FabricGroundTruth) {
        items = captured.enumerated().compactMap { _, a in
            truth.station(a.station).map {
                Item(time: a.time, site: a.site, station: $0, sequence: a.sequence, withdraw: a.withdraw)
            }
        }
        // Stable by time (messages complete in capture order, which is time order but for ties).
        items = items.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var advertised: [StationKey: [(time: Int64, site: Int32)]] = [:]
        for a in captured where !a.withdraw { advertised[a.station, default: []].append((a.time, a.site)) }
        unadvertised = truth.migrations.map { m in
            !(advertised[m.station]?.contains { $0.site == m.to.site && $0.time >= m.offset } ?? false)
        }
    }
}
