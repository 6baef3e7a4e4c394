import CaptureFile
import PacketWire

/// Whether an UPDATE advertised or withdrew a route.
public enum RouteAction: String, Sendable {
    case advertise, withdraw
}

/// The path attributes of an UPDATE that roamcap reports, shared by its routes.
public struct BGPRouteAttributes: Sendable, Equatable {
    public var origin: BGPOrigin?
    public var asPath: BGPASPath?
    /// NEXT_HOP, or the MP_REACH_NLRI next hop for its routes.
    public var nextHop: IPAddress?
    public var multiExitDiscriminator: UInt32?
    public var localPreference: UInt32?
    /// MAC Mobility (RFC 7432 §7.7): the sequence number and sticky flag.
    public var sequence: UInt32?
    public var sticky = false
    /// Route Targets as tshark writes them.
    public var routeTargets: [String] = []
    /// RFC 9012 encapsulation tunnel types.
    public var tunnelTypes: [UInt16] = []

    public init() {}

    /// Whether the routes' labels are VNIs (a VXLAN encapsulation community, RFC 8365 §5.1.3).
    public var isVXLAN: Bool { tunnelTypes.contains(BGPExtendedCommunity.vxlanTunnelType) }
}

/// One route of one UPDATE, flat: what `roamcap bgp` lists.
public struct BGPRouteRecord: Sendable {
    public var time: Timestamp
    public var packet: Int
    public var session: TCPDirectionKey
    public var via: ControlPlaneProtocol
    /// The BMP peer, for routes read from BMP.
    public var bmpPeer: BMPPeer?
    public var action: RouteAction
    public var family: BGPAddressFamily
    /// The EVPN route, for AFI 25 / SAFI 70.
    public var evpn: EVPNRoute?
    /// The prefix, for unicast families.
    public var prefix: BGPPrefix?
    /// The attributes (for a withdrawal, what the UPDATE carried; usually none).
    public var attributes: BGPRouteAttributes

    /// The speaker the route came from: the TCP source for BGP, the monitored peer for BMP.
    public var peer: IPAddress { bmpPeer?.address ?? session.source }

    /// The 24-bit VNI of label 1 when the route came with VXLAN encapsulation.
    public var vni: UInt32? {
        guard attributes.isVXLAN, let label = evpn?.label1 else { return nil }
        return label
    }

    /// The columns of the table and CSV.
    public static let columns = ["time", "packet", "session", "via", "peer", "action", "afi", "safi", "routeType",
                                 "rd", "esi", "ethernetTag", "mac", "ip", "prefix", "labels", "vni", "nextHop",
                                 "seq", "sticky", "routeTargets", "encapsulation", "origin", "asPath", "med",
                                 "localPref"]

    /// RFC 9012 tunnel type names (IANA "BGP Tunnel Encapsulation Attribute Tunnel Types").
    static func tunnelName(_ type: UInt16) -> String {
        switch type {
        case 8: "vxlan"
        case 9: "nvgre"
        case 10: "mpls"
        case 11: "mpls-in-gre"
        case 12: "vxlan-gpe"
        case 13: "mpls-in-udp"
        case 19: "geneve"
        default: String(type)
        }
    }
}

/// Turns one captured UPDATE into its routes.
public enum BGPUpdateDecoder {
    /// Problems met while decoding an UPDATE: the routes before the problem are kept.
    public struct Problem: Sendable {
        public var packet: Int
        public var error: WireError
    }

    /// The routes of `message` (none for other message types), and the first problem if any.
    public static func routes(of message: CapturedBGPMessage) -> (routes: [BGPRouteRecord], problem: Problem?) {
        message.bytes.withUnsafeBytes { raw in
            var routes: [BGPRouteRecord] = []
            var problem: WireError? = nil
            do throws(WireError) {
                let bgp = try BGPMessage(raw)
                guard bgp.type == .update else { return ([], nil) }
                try decode(try BGPUpdateMessage(bgp), message: message, into: &routes, problem: &problem)
            } catch {
                problem = problem ?? error
            }
            return (routes, problem.map { Problem(packet: message.packet, error: $0) })
        }
    }

    /// Decodes the attributes and routes; an attribute that cannot be read is left out (its
    /// error kept in `problem`) and the rest goes on, as RFC 7606 would have a speaker do.
    private static func decode(_ update: BGPUpdateMessage, message: CapturedBGPMessage,
                               into routes: inout [BGPRouteRecord], problem: inout WireError?) throws(WireError) {
        var attributes = BGPRouteAttributes()
        var asPathNumberSize = 4
        var as4Path: BGPASPath?
        var reaches: [BGPMultiprotocolReachable] = []
        var unreaches: [BGPMultiprotocolUnreachable] = []
        var iterator = update.pathAttributes
        while let attribute = try iterator.next() {
            let value = attribute.value
            do {
                switch attribute.type {
                case .origin: attributes.origin = try BGPOrigin(value)
                case .asPath:
                    asPathNumberSize = message.asNumberSize ?? BGPASPath.likelyNumberSize(value)
                    attributes.asPath = try BGPASPath(value, numberSize: asPathNumberSize)
                case .as4Path: as4Path = try BGPASPath(value, numberSize: 4)
                case .nextHop: attributes.nextHop = .v4(IPv4Address(rawValue: try readBGPUInt32Attribute(value)))
                case .multiExitDiscriminator: attributes.multiExitDiscriminator = try readBGPUInt32Attribute(value)
                case .localPreference: attributes.localPreference = try readBGPUInt32Attribute(value)
                case .multiprotocolReachable: reaches.append(try BGPMultiprotocolReachable(value))
                case .multiprotocolUnreachable: unreaches.append(try BGPMultiprotocolUnreachable(value))
                case .extendedCommunities:
                    let communities = try BGPExtendedCommunities(value)
                    for index in 0..<communities.count {
                        let community = communities[index]
                        if let target = community.routeTarget { attributes.routeTargets.append(target) }
                        if let (sequence, sticky) = community.macMobility {
                            attributes.sequence = sequence
                            attributes.sticky = sticky
                        }
                        if let tunnel = community.tunnelType { attributes.tunnelTypes.append(tunnel) }
                    }
                default: break  // unknown attributes are skipped by their length
                }
            } catch {
                if problem == nil { problem = error.shifted(by: attribute.valueOffset) }
            }
        }
        if asPathNumberSize == 2, let as4Path, let asPath = attributes.asPath {
            attributes.asPath = asPath.merging(as4Path: as4Path)
        }
        func record(_ action: RouteAction, _ family: BGPAddressFamily, evpn: EVPNRoute? = nil, prefix: BGPPrefix? = nil,
                    attributes: BGPRouteAttributes) -> BGPRouteRecord {
            BGPRouteRecord(time: message.time, packet: message.packet, session: message.session, via: message.via,
                           bmpPeer: message.bmpPeer, action: action, family: family, evpn: evpn, prefix: prefix,
                           attributes: attributes)
        }
        // Each part stands alone: a malformed one is noted and the others are still listed.
        func attempt(_ body: () throws(WireError) -> Void) {
            do { try body() } catch { if problem == nil { problem = error } }
        }
        // IPv4 unicast withdrawals and NLRI outside the multiprotocol attributes.
        let addPathV4 = message.addPathKnown ? message.addPathFamilies.contains(.ipv4Unicast)
            : BGPPrefixIterator.likelyAddPath(update.withdrawnRoutes) || BGPPrefixIterator.likelyAddPath(update.reachability)
        attempt { () throws(WireError) in
            var withdrawn = BGPPrefixIterator(update.withdrawnRoutes, addPath: addPathV4)
            while let prefix = try withdrawn.next() {
                routes.append(record(.withdraw, .ipv4Unicast, prefix: prefix, attributes: attributes))
            }
        }
        for unreach in unreaches {
            attempt { () throws(WireError) in
                try walk(unreach.withdrawnRoutes, family: unreach.family, message: message, problem: &problem) { evpn, prefix in
                    routes.append(record(.withdraw, unreach.family, evpn: evpn, prefix: prefix, attributes: attributes))
                }
            }
        }
        for reach in reaches {
            var reachAttributes = attributes
            reachAttributes.nextHop = reach.nextHop
            attempt { () throws(WireError) in
                try walk(reach.reachability, family: reach.family, message: message, problem: &problem) { evpn, prefix in
                    routes.append(record(.advertise, reach.family, evpn: evpn, prefix: prefix, attributes: reachAttributes))
                }
            }
        }
        attempt { () throws(WireError) in
            var nlri = BGPPrefixIterator(update.reachability, addPath: addPathV4)
            while let prefix = try nlri.next() {
                routes.append(record(.advertise, .ipv4Unicast, prefix: prefix, attributes: attributes))
            }
        }
    }

    /// Walks the NLRI of a multiprotocol attribute: EVPN routes, or IPv4/IPv6 unicast prefixes;
    /// other families are not listed.
    private static func walk(_ bytes: UnsafeRawBufferPointer, family: BGPAddressFamily, message: CapturedBGPMessage,
                             problem: inout WireError?, _ body: (EVPNRoute?, BGPPrefix?) -> Void) throws(WireError) {
        var addPath = message.addPathFamilies.contains(family)
        if !message.addPathKnown {
            addPath = family == .evpn ? EVPNRouteIterator.likelyAddPath(bytes)
                : BGPPrefixIterator.likelyAddPath(bytes, ipv6: family.afi == 2)
        }
        if family == .evpn {
            var iterator = EVPNRouteIterator(bytes, addPath: addPath)
            while let view = try iterator.next() {
                do {
                    body(try EVPNRoute(view), nil)
                } catch {
                    // Unknown route types are skipped quietly; a malformed known one is noted.
                    if error.kind != .unsupported, problem == nil { problem = error }
                }
            }
        } else if family.safi == 1 && (family.afi == 1 || family.afi == 2) {
            var iterator = BGPPrefixIterator(bytes, ipv6: family.afi == 2, addPath: addPath)
            while let prefix = try iterator.next() { body(nil, prefix) }
        }
    }
}

/// What `roamcap bgp` read from its inputs.
public struct ControlPlaneRead: Sendable {
    public var routes: [BGPRouteRecord] = []
    public var gaps: [ControlPlaneGap] = []
    /// BGP messages read (those carried by BMP included), and how many were UPDATEs.
    public var messages = 0
    public var updates = 0
    /// UPDATEs (or BMP messages) that could not be decoded in full, with the first problem.
    public var malformed = 0
    public var firstProblem: BGPUpdateDecoder.Problem?
    /// Bytes skipped while resynchronizing after gaps or garbage.
    public var skippedBytes: Int64 = 0
    /// What the pass counted: packets read, skipped records.
    public var pass = PassStatistics()
}

/// `roamcap bgp`: reads the inputs merged in time order, reassembles every BGP session and BMP
/// feed on the configured ports, and lists the routes of every UPDATE, one per route.
///
/// With `onRoute`, each route is handed over as soon as its message is complete (in the order
/// messages complete) and `routes` stays empty, so memory does not grow with the listing.
public func readControlPlane(inputs: [String], settings: ControlPlaneSettings = ControlPlaneSettings(),
                             reading: ReadOptions = ReadOptions(), progress: ((UInt64, UInt64?, Int) -> Void)? = nil,
                             onRoute: ((BGPRouteRecord) -> Void)? = nil) throws(ConversionError) -> ControlPlaneRead {
    var result = ControlPlaneRead()
    let reader = BGPSessionReader(settings: settings) { message in
        let decoded = BGPUpdateDecoder.routes(of: message)
        if let onRoute {
            decoded.routes.forEach(onRoute)
        } else {
            result.routes += decoded.routes
        }
        if message.bytes.count > 18 && message.bytes[18] == BGPMessageType.update.rawValue { result.updates += 1 }
        if let problem = decoded.problem {
            result.malformed += 1
            if result.firstProblem == nil { result.firstProblem = problem }
        }
    }
    do throws(CaptureError) {
        let stream = try MergedCaptureStream(inputs: inputs, topology: nil, reading: reading)
        var decoded = DecodedPacket()
        var lastTime = Timestamp(seconds: 0, nanoseconds: 0)
        while let (packet, file) = try stream.next() {
            result.pass.packetsRead += 1
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            reader.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: stream.number)
            lastTime = packet.timestamp
            if stream.number & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, stream.number)
            }
        }
        reader.finish(time: lastTime, packet: stream.number)
        result.pass.skippedRecords = stream.skippedRecords
        result.pass.skippedErrors = stream.skippedErrors
    } catch {
        throw .capture(error)
    }
    result.gaps = reader.gaps
    result.messages = reader.messageCount
    result.malformed += reader.malformedMessages
    result.skippedBytes = reader.skippedBytes
    return result
}
