// The report of `roamcap topology check`: the ports and what claims them.

extension TopologyCheck {
    /// One row per port: site, port, capture, advertiseDelay, aging, vmSide[, interfaces].
    public var portRows: [JSONValue] {
        var rows: [JSONValue] = []
        for (s, site) in topology.sites.enumerated() {
            for (p, port) in site.ports.enumerated() {
                let id = Topology.PortID(site: s, port: p)
                var fields: [(String, JSONValue)] = [
                    ("site", .string(site.name)), ("port", .string(port.name)), ("capture", .string(port.capture)),
                    ("advertiseDelay", .string(durationText(topology.advertiseDelay(site: s)))),
                    ("aging", .string(durationText(topology.aging(site: s)))),
                    ("vmSide", .bool(topology.vmSide.contains(port.capture))),
                ]
                if !traces.isEmpty { fields.append(("interfaces", .int(Int64(matches[id] ?? 0)))) }
                rows.append(.object(fields))
            }
        }
        return rows
    }

    /// One row per capture interface: file, interface, site, port (null when unclaimed).
    public var interfaceRows: [JSONValue] {
        interfaces.map { item in
            .object([("file", .string(item.file)), ("interface", .string(item.name)),
                     ("site", item.port.map { .string(topology.names(of: $0).site) } ?? .null),
                     ("port", item.port.map { .string(topology.names(of: $0).port) } ?? .null)])
        }
    }

    public var json: JSONValue {
        .object([
            ("file", .string(file)), ("valid", .bool(true)),
            ("unknownUnicast", .string(topology.controlPlane.unknownUnicast.rawValue)),
            ("ports", .array(portRows)), ("interfaces", .array(interfaceRows)),
            ("unclaimed", .array(unclaimed.map { .string($0) })),
            ("unclaimedNextHops", .array(unclaimedNextHops.map { .string($0.description) })),
        ])
    }

    public func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .json:
            return json.pretty() + "\n"
        case .ndjson:
            return (portRows + interfaceRows).map { $0.rendered() + "\n" }.joined()
        case .csv, .table:
            var columns = ["site", "port", "capture", "advertiseDelay", "aging", "vmSide"]
            if !traces.isEmpty { columns.append("interfaces") }
            var text = ""
            if format == .table {
                text += "\(file): valid, \(topology.sites.count) sites, "
                    + "\(topology.sites.reduce(0) { $0 + $1.ports.count }) ports, "
                    + "unknown-unicast \(topology.controlPlane.unknownUnicast.rawValue)\n\n"
            }
            text += Report(columns: columns, rows: portRows).rendered(format)
            let interfaceRows = self.interfaceRows
            if !interfaceRows.isEmpty {
                if format == .table { text += "\n" }
                text += Report(columns: ["file", "interface", "site", "port"], rows: interfaceRows).rendered(format)
            }
            if format == .table && evpnRoutes > 0 {
                text += "\n\(evpnRoutes) EVPN routes in the traces; next hops no site claims: "
                    + (unclaimedNextHops.isEmpty ? "none" : unclaimedNextHops.map(\.description).joined(separator: ", ")) + "\n"
            }
            return text
        }
    }
}
