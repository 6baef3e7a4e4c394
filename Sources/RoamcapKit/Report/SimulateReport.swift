import CaptureFile
import PacketWire

extension FabricReport {
    private func place(_ id: Topology.PortID) -> JSONValue {
        let names = topology.names(of: id)
        return .object([("site", .string(names.site)), ("port", .string(names.port))])
    }

    /// One policy as SPEC §5 names it: `{"policy", "frames", "delivered", "misdelivered",
    /// "dropped": {"stale-local", "stale-remote", "flood-at-core", "unknown-drop"}, "inTransit",
    /// "excessCopies", "migrations": [{"mac", "vlan", "from", "to", "time", "lostFrames",
    /// "outageSeconds"}]}` (migrations also carry `packet`, and `segment` for VXLAN).
    public func json(policy i: Int) -> JSONValue {
        let c = counts[i]
        let dropped: [(String, JSONValue)] = DropCause.allCases.map { ($0.rawValue, .int(Int64(c.dropped($0)))) }
        let moves: [JSONValue] = migrations.indices.map { m in
            let migration = migrations[m]
            let loss = losses[i][m]
            var fields: [(String, JSONValue)] = [("mac", .string(migration.station.mac.description)),
                                                 ("vlan", .int(Int64(migration.station.segment.identifier)))]
            if migration.station.segment.isVXLAN { fields.append(("segment", .string("vxlan"))) }
            fields += [("from", place(migration.from)), ("to", place(migration.to)),
                       ("time", .string(migration.time.rfc3339)), ("packet", .int(Int64(migration.packet))),
                       ("lostFrames", .int(Int64(loss.lostFrames))),
                       ("outageSeconds", .double(Double(loss.outage) / 1e9))]
            if policies[i] == .captured, m < unadvertised.count {
                fields.append(("unadvertised", .bool(unadvertised[m])))
            }
            return .object(fields)
        }
        return .object([
            ("policy", .string(policies[i].rawValue)), ("frames", .int(Int64(c.frames))),
            ("delivered", .int(Int64(c.delivered))), ("misdelivered", .int(Int64(c.misdelivered))),
            ("dropped", .object(dropped)), ("inTransit", .int(Int64(c.inTransit))),
            ("excessCopies", .int(Int64(c.excessCopies))), ("migrations", .array(moves)),
        ])
    }

    /// `{"policies": [...]}`, one entry per policy in the order asked for, then `"policy":
    /// "captured"` with the captured control plane (its migrations flagged `unadvertised`).
    public var json: JSONValue {
        .object([("policies", .array(policies.indices.map { json(policy: $0) }))])
    }

    /// Flat rows (one per policy) for CSV.
    public var flatRows: [JSONValue] {
        policies.indices.map { i in
            let c = counts[i]
            let lost = losses[i].reduce(0) { $0 + $1.lostFrames }
            var fields: [(String, JSONValue)] = [("policy", .string(policies[i].rawValue)), ("frames", .int(Int64(c.frames))),
                                                 ("delivered", .int(Int64(c.delivered))),
                                                 ("misdelivered", .int(Int64(c.misdelivered))),
                                                 ("dropped", .int(Int64(c.dropped)))]
            for cause in DropCause.allCases { fields.append((cause.rawValue, .int(Int64(c.dropped(cause))))) }
            fields += [("inTransit", .int(Int64(c.inTransit))), ("excessCopies", .int(Int64(c.excessCopies))),
                       ("migrations", .int(Int64(migrations.count))), ("lostFrames", .int(Int64(lost)))]
            return .object(fields)
        }
    }

    public static let flatColumns = ["policy", "frames", "delivered", "misdelivered", "dropped", "stale-local",
                                     "stale-remote", "flood-at-core", "unknown-drop", "inTransit", "excessCopies",
                                     "migrations", "lostFrames"]

    /// The human report: the policies side by side, then every migration with its losses per policy.
    public func text(layout: TableLayout = .wide) -> String {
        func seconds(_ ns: Int64) -> String {
            let ms = (ns + 500_000) / 1_000_000
            let frac = String(ms % 1000)
            return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)s"
        }
        let names = policies.map(\.rawValue)
        var rows: [[String]] = []
        func row(_ label: String, _ value: (FabricCounts) -> Int) {
            rows.append([label] + counts.map { String(value($0)) })
        }
        row("frames", \.frames)
        row("delivered", \.delivered)
        row("misdelivered", \.misdelivered)
        row("dropped", \.dropped)
        for cause in DropCause.allCases { row("  " + cause.rawValue) { $0.dropped(cause) } }
        row("inTransit", \.inTransit)
        row("excessCopies", \.excessCopies)
        rows.append(["lostFrames (migrations)"] + losses.map { String($0.reduce(0) { $0 + $1.lostFrames }) })
        var out = TextTable(header: [""] + names, rows: rows).rendered(layout: layout)
        out += "\n\(migrations.count) migration\(migrations.count == 1 ? "" : "s")"
        if migrations.isEmpty { return out + "\n" }
        out += " (lost frames / outage per policy)\n"
        let text = FabricText(topology: topology)
        let migrationRows: [[String]] = migrations.indices.map { m in
            let move = migrations[m]
            return [move.station.mac.description, move.station.segment.description, text.place(move.from),
                    text.place(move.to), move.time.rfc3339]
                + policies.indices.map { i in
                    let flag = policies[i] == .captured && m < unadvertised.count && unadvertised[m] ? " unadvertised" : ""
                    return "\(losses[i][m].lostFrames) / \(seconds(losses[i][m].outage))\(flag)"
                }
        }
        out += TextTable(header: ["mac", "vlan", "from", "to", "time"] + names, rows: migrationRows)
            .rendered(layout: layout, importance: ["mac", "to"] + names + ["time", "from", "vlan"])
        return out
    }
}

extension SimulateOutcome {
    /// `simulate` in `format`; the human table names the forwarded trace written to `trace`.
    public func rendered(_ format: ReportFormat, layout: TableLayout, trace: String?) -> String {
        switch format {
        case .json:
            return json.pretty() + "\n"
        case .ndjson:
            return report.policies.indices.map { report.json(policy: $0).rendered() + "\n" }.joined()
        case .csv:
            return Report(columns: FabricReport.flatColumns, rows: report.flatRows).rendered(.csv)
        case .table:
            var out = report.text(layout: layout)
            if let trace, !report.endedByError {
                out += "\nforwarded trace (\(report.policies[traceIndex].rawValue)): \(trace), \(report.traceRecords) records\n"
            }
            return out
        }
    }
}
