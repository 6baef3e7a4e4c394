import CaptureFile
import PacketWire

// The JSON names of `roamcap flows` (SPEC §5) and its flat rows.

extension FlowRecord {
    /// The documented object (SPEC §5): proto, src, sport?, dst, dport?, vlan, [segment], first,
    /// last, packets, bytes, state, lost, misdelivered, outages [{start, end, frames, cause,
    /// direction, migration?}], migration?; then srcPackets, srcBytes, dstPackets, dstBytes,
    /// retransmissions, duplicateAcks, srcMac?, dstMac?, uid (Zeek-like, deterministic).
    public func json(_ topology: Topology) -> JSONValue {
        var fields: [(String, JSONValue)] = [("proto", .string(protocolName)), ("src", .string(source.description))]
        if let sourcePort { fields.append(("sport", .int(Int64(sourcePort)))) }
        fields.append(("dst", .string(destination.description)))
        if let destinationPort { fields.append(("dport", .int(Int64(destinationPort)))) }
        fields.append(("vlan", .int(Int64(segment.identifier))))
        if segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
        if !flow.otherSegments.isEmpty {
            // A routed conversation seen on several segments: all of them, the first as `vlan`.
            fields.append(("vlans", .array(flow.segments.map { .int(Int64(Segment(rawValue: $0).identifier)) })))
        }
        fields += [
            ("first", .string(flow.first.rfc3339)), ("last", .string(flow.last.rfc3339)),
            ("packets", .int(Int64(flow.packets))), ("bytes", .int(Int64(flow.bytes))),
            ("state", .string(flow.connectionState)), ("lost", .int(Int64(lost))),
            ("misdelivered", .int(Int64(misdelivered))),
            ("outages", .array(flow.outages.map { outage in
                var o: [(String, JSONValue)] = [
                    ("start", .string(outage.start.rfc3339)), ("end", .string(outage.end.rfc3339)),
                    ("frames", .int(Int64(outage.frames))), ("cause", .string(outage.cause.rawValue)),
                    ("direction", .string(direction(outage))),
                ]
                if let migration = outage.migration { o.append(("migration", FlowRecord.migrationJSON(migration, topology))) }
                return .object(o)
            })),
        ]
        if let migration { fields.append(("migration", FlowRecord.migrationJSON(migration, topology))) }
        let orig = flow.originator, resp = flow.responder
        fields += [
            ("srcPackets", .int(Int64(orig.packets))), ("srcBytes", .int(Int64(orig.bytes))),
            ("dstPackets", .int(Int64(resp.packets))), ("dstBytes", .int(Int64(resp.bytes))),
            ("retransmissions", .int(Int64(orig.retransmissions + resp.retransmissions))),
            ("duplicateAcks", .int(Int64(orig.duplicateACKs + resp.duplicateACKs))),
        ]
        if let mac = orig.mac { fields.append(("srcMac", .string(mac.description))) }
        if let mac = resp.mac { fields.append(("dstMac", .string(mac.description))) }
        fields.append(("uid", .string(flow.uid)))
        return .object(fields)
    }

    /// `{"mac", "from", "to", "time", "packet"}` with places as `{"site", "port"}`.
    static func migrationJSON(_ event: TableEvent, _ topology: Topology) -> JSONValue {
        var fields: [(String, JSONValue)] = [("mac", .string(event.mac.description))]
        if let from = event.from { fields.append(("from", placeJSON(from, topology))) }
        if let to = event.to { fields.append(("to", placeJSON(to, topology))) }
        fields += [("time", .string(event.time.rfc3339)), ("packet", .int(Int64(event.packet)))]
        return .object(fields)
    }

    /// The columns of `flatJSON`.
    public static let flatColumns = ["proto", "src", "sport", "dst", "dport", "vlan", "first", "last", "packets",
                                     "bytes", "state", "lost", "misdelivered", "outages", "causes", "outageSeconds",
                                     "migration", "uid"]

    /// `address:port`, `[address]:port` for IPv6, the address alone without a port.
    public static func endpointText(_ address: IPAddress, _ port: UInt16?) -> String {
        guard let port else { return address.description }
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }

    /// `tcp 10.0.0.1:40000 → 10.0.0.2:80` (IPv6 endpoints as `[addr]:port`).
    public var conversationText: String {
        "\(protocolName) \(FlowRecord.endpointText(source, sourcePort)) → \(FlowRecord.endpointText(destination, destinationPort))"
    }

    /// The human table's columns: `flatColumns` with each endpoint in one column (`addr:port`,
    /// `[addr]:port` for IPv6).
    public static let humanColumns = flatColumns.filter { $0 != "sport" && $0 != "dport" }

    /// A row of the human table (see `humanColumns`).
    public func humanJSON(_ topology: Topology) -> JSONValue {
        guard case .object(var fields) = flatJSON(topology) else { return flatJSON(topology) }
        fields.removeAll { $0.0 == "sport" || $0.0 == "dport" }
        for i in fields.indices where fields[i].0 == "src" || fields[i].0 == "dst" {
            fields[i].1 = .string(fields[i].0 == "src" ? FlowRecord.endpointText(source, sourcePort)
                                                       : FlowRecord.endpointText(destination, destinationPort))
        }
        return .object(fields)
    }

    /// The flat columns, most important first (the human table leaves out the others first).
    public static let importance = ["proto", "src", "sport", "dst", "dport", "lost", "outages", "causes", "packets",
                                    "state", "vlan", "migration", "first", "last", "bytes", "misdelivered",
                                    "outageSeconds", "uid"]

    /// A flat row for the table and CSV formats.
    public func flatJSON(_ topology: Topology) -> JSONValue {
        var causes: [(OutageCause, Int)] = []
        for outage in flow.outages {
            if let i = causes.firstIndex(where: { $0.0 == outage.cause }) { causes[i].1 += outage.frames } else {
                causes.append((outage.cause, outage.frames))
            }
        }
        var migrationText = ""
        if let migration {
            migrationText = "\(migration.mac) \(migration.from.map { placeText($0, topology) } ?? "?")>"
                + "\(migration.to.map { placeText($0, topology) } ?? "?") \(migration.time.rfc3339)"
        }
        return .object([
            ("proto", .string(protocolName)), ("src", .string(source.description)),
            ("sport", .string(sourcePort.map { String($0) } ?? "")), ("dst", .string(destination.description)),
            ("dport", .string(destinationPort.map { String($0) } ?? "")), ("vlan", .string(flow.segments.map { Segment(rawValue: $0).description }.joined(separator: ","))),
            ("first", .string(flow.first.rfc3339)), ("last", .string(flow.last.rfc3339)),
            ("packets", .int(Int64(flow.packets))), ("bytes", .int(Int64(flow.bytes))),
            ("state", .string(flow.connectionState)), ("lost", .int(Int64(lost))),
            ("misdelivered", .int(Int64(misdelivered))), ("outages", .int(Int64(flow.outages.count))),
            ("causes", .string(causes.map { "\($0.0.rawValue):\($0.1)" }.joined(separator: " "))),
            ("outageSeconds", .string(flow.outages.isEmpty ? "" : secondsText(outageDuration))),
            ("migration", .string(migrationText)), ("uid", .string(flow.uid)),
        ])
    }
}

extension FlowsOutcome {
    /// `flows` in `format`: the flows (one a line with ndjson); the human table lists the outages after them.
    public func rendered(_ format: ReportFormat, layout: TableLayout) -> String {
        switch format {
        case .json:
            return json.pretty() + "\n"
        case .ndjson:
            return flows.map { $0.json(topology).rendered() + "\n" }.joined()
        case .csv:
            return Report(columns: FlowRecord.flatColumns, rows: flows.map { $0.flatJSON(topology) }).rendered(.csv)
        case .table:
            var out = Report(columns: FlowRecord.humanColumns, rows: flows.map { $0.humanJSON(topology) })
                .rendered(.table, layout: layout, importance: FlowRecord.importance)
            let outageRows = flows.flatMap { flow in
                flow.flow.outages.map { outage -> [String] in
                    let migration = outage.migration.map { event in
                        "\(event.mac) \(event.from.map { placeText($0, topology) } ?? "?")>"
                            + "\(event.to.map { placeText($0, topology) } ?? "?") \(event.time.rfc3339)"
                    } ?? ""
                    return [flow.conversationText,
                            outage.cause.rawValue, flow.direction(outage), outage.start.rfc3339, outage.end.rfc3339,
                            String(outage.frames), migration]
                }
            }
            if !outageRows.isEmpty {
                out += "\nOutages\n"
                out += TextTable(header: ["flow", "cause", "direction", "start", "end", "frames", "migration"],
                                 rows: outageRows)
                    .rendered(layout: layout, importance: ["flow", "cause", "frames", "start", "end", "direction"])
            }
            return out
        }
    }
}
