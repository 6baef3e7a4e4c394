import CaptureFile
import PacketWire

// The JSON names of `roamcap tables` (SPEC §5): its events and its `--at` snapshots.

extension TableEvent {
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
        if let evpn { fields += evpn.jsonFields }
        if let advertisement {
            fields.append(("advertised", advertisement.time.map { .string($0.rfc3339) } ?? .null))
            fields.append(("advertiseDelay", advertisement.delay.map { .double(Double($0) / 1e9) } ?? .null))
        }
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
        if let evpn {
            detail.append("site \(evpn.site ?? "-"), rd \(evpn.routeDistinguisher)"
                          + (evpn.nextHop.map { ", next hop \($0)" } ?? "")
                          + (evpn.sequence.map { ", seq \($0)" } ?? "") + (evpn.sticky ? ", sticky" : ""))
        }
        if let advertisement {
            detail.append(advertisement.delay.map { "advertised after \(Double($0) / 1e9) s" } ?? "not advertised")
        }
        fields.append(("detail", .string(detail.joined(separator: ", "))))
        return .object(fields)
    }

    /// The columns of `flatJSON`.
    public static let flatColumns = ["time", "packet", "event", "vlan", "mac", "ip", "from", "to", "evidence", "detail"]
    /// The flat columns, most important first (the human table leaves out the others first).
    public static let importance = ["time", "event", "mac", "ip", "to", "from", "vlan", "evidence", "packet", "detail"]

    /// Flat rows of events in time order, each `moved`, `migration` or `flip-flop` of a MAC (which
    /// has no IP of its own) showing the addresses bound to that MAC when it moved.
    public static func flatRows(_ events: [TableEvent], _ topology: Topology) -> [JSONValue] {
        var addresses: [StationKey: [IPAddress]] = [:]
        return events.map { event in
            var row = event.flatJSON(topology)
            if let ip = event.ip {
                if event.kind != .agedOut, !(addresses[event.station]?.contains(ip) ?? false) {
                    addresses[event.station, default: []].append(ip)
                }
            } else if event.kind == .moved || event.kind == .migration || event.kind == .flipFlop,
                      let list = addresses[event.station], case .object(var fields) = row,
                      let i = fields.firstIndex(where: { $0.0 == "ip" }) {
                fields[i].1 = .string(list.map(\.description).joined(separator: " "))
                row = .object(fields)
            }
            return row
        }
    }
}

// MARK: Reports

extension TableSnapshot {
    /// `{"time", "mac": [{site, port, vlan, [segment], mac, learned, lastSeen}],
    /// "arp": [{vlan, [segment], ip, mac, via, site?, port?, since, lastSeen}]}`.
    public func json(_ topology: Topology) -> JSONValue {
        .object([
            ("time", .string(time.rfc3339)),
            ("mac", .array(mac.map { $0.json(topology) })),
            ("arp", .array(bindings.map { $0.json(topology) })),
            ("evpn", .array(evpn.map { $0.json() })),
        ])
    }

    /// One row per entry with a `table` field (`mac` or `arp`), for ndjson and CSV.
    public func rows(_ topology: Topology) -> [JSONValue] {
        mac.map { row in
            guard case .object(let fields) = row.json(topology) else { return .null }
            return .object([("table", .string("mac"))] + fields)
        } + bindings.map { row in
            guard case .object(let fields) = row.json(topology) else { return .null }
            return .object([("table", .string("arp"))] + fields)
        } + evpn.map { row in
            guard case .object(let fields) = row.json() else { return .null }
            return .object([("table", .string("evpn"))] + fields)
        }
    }
}

extension TableSnapshot.MACRow {
    public func json(_ topology: Topology) -> JSONValue {
        let names = topology.names(of: Topology.PortID(site: site, port: port))
        var fields: [(String, JSONValue)] = [
            ("site", .string(names.site)), ("port", .string(names.port)),
            ("vlan", .int(Int64(station.segment.identifier))),
        ]
        if station.segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
        fields += [("mac", .string(station.mac.description)), ("learned", .string(learned.rfc3339)),
                   ("lastSeen", .string(lastSeen.rfc3339))]
        return .object(fields)
    }
}

extension TableSnapshot.BindingRow {
    public func json(_ topology: Topology) -> JSONValue {
        var fields: [(String, JSONValue)] = [("vlan", .int(Int64(key.segment.identifier)))]
        if key.segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
        fields += [("ip", .string(key.ip.description)), ("mac", .string(mac.description)), ("via", .string(via.rawValue))]
        if let place {
            let names = topology.names(of: place)
            fields += [("site", .string(names.site)), ("port", .string(names.port))]
        }
        fields += [("since", .string(since.rfc3339)), ("lastSeen", .string(lastSeen.rfc3339))]
        return .object(fields)
    }
}

extension EVPNRouteFacts {
    /// `"site"` (null when unattributed), `"vni"`, `"rd"`, `"nextHop"`, `"seq"`, `"sticky"` (SPEC §8).
    var jsonFields: [(String, JSONValue)] {
        [("site", site.map { .string($0) } ?? .null), ("vni", vni.map { .int(Int64($0)) } ?? .null),
         ("rd", .string(routeDistinguisher.description)), ("nextHop", nextHop.map { .string($0.description) } ?? .null),
         ("seq", sequence.map { .int(Int64($0)) } ?? .null), ("sticky", .bool(sticky))]
    }
}

extension EVPNRouteRow {
    /// `{"site", "vlan", ["segment"], "mac", "ip"?, "vni", "rd", "nextHop", "seq", "sticky", "advertised", "packet"}`.
    public func json() -> JSONValue {
        var fields: [(String, JSONValue)] = [("site", facts.site.map { .string($0) } ?? .null),
                                             ("vlan", .int(Int64(station.segment.identifier)))]
        if station.segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
        fields.append(("mac", .string(station.mac.description)))
        if let ip { fields.append(("ip", .string(ip.description))) }
        fields += facts.jsonFields.dropFirst()
        fields += [("advertised", .string(advertised.rfc3339)), ("packet", .int(Int64(packet)))]
        return .object(fields)
    }
}

extension TablesOutcome {
    /// `tables` in `format`: the events (one a line with ndjson), or with `--at` the tables.
    public func rendered(_ format: ReportFormat, layout: TableLayout) -> String {
        if let snapshot { return Self.rendered(snapshot, topology, format: format, layout: layout) }
        switch format {
        case .json:
            return json.pretty() + "\n"
        case .ndjson:
            return events.map { $0.json(topology).rendered() + "\n" }.joined()
        case .csv:
            return Report(columns: TableEvent.flatColumns, rows: events.map { $0.flatJSON(topology) }).rendered(.csv)
        case .table:
            return Report(columns: TableEvent.flatColumns, rows: TableEvent.flatRows(events, topology))
                .rendered(.table, layout: layout, importance: TableEvent.importance)
        }
    }

    /// The tables at one moment (`--at`).
    static func rendered(_ snapshot: TableSnapshot, _ topology: Topology, format: ReportFormat, layout: TableLayout) -> String {
        switch format {
        case .json:
            return snapshot.json(topology).pretty() + "\n"
        case .ndjson:
            return snapshot.rows(topology).map { $0.rendered() + "\n" }.joined()
        case .csv:
            let columns = ["table", "site", "port", "vlan", "segment", "ip", "mac", "via", "learned", "since", "lastSeen",
                           "vni", "rd", "nextHop", "seq", "sticky", "advertised"]
            return Report(columns: columns, rows: snapshot.rows(topology)).rendered(.csv)
        case .table:
            var out = "MAC tables at \(snapshot.time.rfc3339)\n"
            let macRows = snapshot.mac.map { row -> [String] in
                let names = topology.names(of: Topology.PortID(site: row.site, port: row.port))
                return [names.site, names.port, row.station.segment.description, row.station.mac.description,
                        row.learned.rfc3339, row.lastSeen.rfc3339]
            }
            out += TextTable(header: ["site", "port", "vlan", "mac", "learned", "lastSeen"], rows: macRows)
                .rendered(layout: layout, importance: ["site", "port", "mac", "vlan", "lastSeen", "learned"])
            out += "\nARP/ND bindings at \(snapshot.time.rfc3339)\n"
            let bindingRows = snapshot.bindings.map { row -> [String] in
                [row.key.segment.description, row.key.ip.description, row.mac.description, row.via.rawValue,
                 row.place.map { placeText($0, topology) } ?? "-", row.since.rfc3339]
            }
            out += TextTable(header: ["vlan", "ip", "mac", "via", "where", "since"], rows: bindingRows)
                .rendered(layout: layout, importance: ["ip", "mac", "where", "vlan", "since", "via"])
            if !snapshot.evpn.isEmpty {
                out += "\nEVPN MAC/IP routes at \(snapshot.time.rfc3339)\n"
                let routeRows = snapshot.evpn.map { row -> [String] in
                    [row.facts.site ?? "-", row.station.segment.description, row.station.mac.description,
                     row.ip?.description ?? "", row.facts.routeDistinguisher.description,
                     row.facts.nextHop?.description ?? "-", row.facts.sequence.map(String.init) ?? "-",
                     row.facts.sticky ? "yes" : "", row.advertised.rfc3339]
                }
                out += TextTable(header: ["site", "vlan", "mac", "ip", "rd", "nextHop", "seq", "sticky", "advertised"],
                                 rows: routeRows).rendered()
            }
            return out
        }
    }
}
