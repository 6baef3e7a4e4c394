import CaptureFile
import PacketWire

// The JSON names of `roamcap bgp`: one flat record per route.

extension BGPRouteRecord {
    /// The record as JSON (field names are a documented interface, see `roamcap bgp --help`).
    public var json: JSONValue { json(topology: nil) }

    /// The record as JSON; with an EVPN topology, EVPN routes also get `site` (null when no
    /// site claims the next hop or RD: unattributed) and `vlan` (the VLAN of the VNI, SPEC §8).
    /// `timeText`, when given, must be `time.rfc3339` (a caller listing many routes of one
    /// message formats the time once).
    public func json(topology: EVPNTopology?, timeText: String? = nil) -> JSONValue {
        func optional<T>(_ value: T?, _ make: (T) -> JSONValue) -> JSONValue { value.map(make) ?? .null }
        let route = evpn
        var labels: [JSONValue] = []
        var vni2: JSONValue = .null
        if let route {
            if attributes.isVXLAN {
                vni2 = optional(route.label2) { .int(Int64($0)) }
            } else {
                for label in [route.label1, route.label2].compactMap({ $0 }) {
                    labels.append(.int(Int64(EVPNRoute.mplsLabel(label))))
                }
            }
        }
        var prefixText: String? = prefix?.description
        if let route, route.type == .ipPrefix, let ip = route.ip, let length = route.prefixLength {
            prefixText = "\(ip)/\(length)"
        }
        let encapsulation = attributes.tunnelTypes.map(Self.tunnelName)
        var fields: [(String, JSONValue)] = [
            ("time", .string(timeText ?? time.rfc3339)),
            ("packet", .int(Int64(packet))),
            ("session", .string(session.description)),
            ("via", .string(via.rawValue)),
            ("peer", .string(peer.description)),
            ("peerAs", optional(bmpPeer) { .int(Int64($0.autonomousSystem)) }),
        ]
        if let topology, let route {
            fields.append(("site", optional(topology.site(nextHop: attributes.nextHop,
                                                          routeDistinguisher: route.routeDistinguisher)) { .string($0) }))
            fields.append(("vlan", optional(vni) { .int(Int64(topology.segment(ofVNI: $0))) }))
        }
        fields += [
            ("action", .string(action.rawValue)),
            ("afi", .int(Int64(family.afi))),
            ("safi", .int(Int64(family.safi))),
            ("routeType", optional(route) { .int(Int64($0.type.rawValue)) }),
            ("rd", optional(route) { .string($0.routeDistinguisher.description) }),
            ("esi", optional(route?.esi) { .string($0.description) }),
            ("ethernetTag", optional(route?.ethernetTag) { .int(Int64($0)) }),
            ("mac", optional(route?.mac) { .string($0.description) }),
            ("ip", route?.type == .ipPrefix ? .null : optional(route?.ip) { .string($0.description) }),
            ("prefix", optional(prefixText) { .string($0) }),
        ]
        if route?.type == .ipPrefix { fields.append(("gateway", optional(route?.gateway) { .string($0.description) })) }
        fields += [
            ("labels", .array(labels)),
            ("vni", optional(vni) { .int(Int64($0)) }),
            ("vni2", vni2),
            ("pathId", optional(route?.pathIdentifier ?? prefix?.pathIdentifier) { .int(Int64($0)) }),
            ("nextHop", optional(attributes.nextHop) { .string($0.description) }),
            ("seq", optional(attributes.sequence) { .int(Int64($0)) }),
            ("sticky", .bool(attributes.sticky)),
            ("routeTargets", .array(attributes.routeTargets.map { .string($0) })),
            ("encapsulation", encapsulation.isEmpty ? .null : .string(encapsulation.joined(separator: ","))),
            ("origin", optional(attributes.origin) { .string($0.description) }),
            ("asPath", optional(attributes.asPath) { .string($0.description) }),
            ("med", optional(attributes.multiExitDiscriminator) { .int(Int64($0)) }),
            ("localPref", optional(attributes.localPreference) { .int(Int64($0)) }),
        ]
        return .object(fields)
    }
}
