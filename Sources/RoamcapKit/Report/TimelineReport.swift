import CaptureFile
import PacketWire

/// `roamcap timeline`'s report: the shard plan and the short story of what moved when.
extension Timeline {
    private var namingTopology: Topology { fabricTopology(nil) }

    private func placeText(_ site: Int64, _ port: Int64) -> String {
        let names = namingTopology.names(of: Topology.PortID(site: Int(site), port: Int(port)))
        return "\(names.site)/\(names.port)"
    }

    /// `{"timeline", "inputs": [{"path", "bytes", "compression"}], "frames", "stations",
    /// "shards": [{"shard", "firstFrame", "frames", "from", "offsets"}], "migrations": [{"mac", "vlan",
    /// "from", "to", "time", "packet"}]}`.
    public var summaryJSON: JSONValue {
        .object([
            ("timeline", .string(id)),
            ("inputs", .array(inputs.map { .object([("path", .string($0.path)), ("bytes", .int(Int64($0.bytes))),
                                                    ("compression", .string($0.compression))]) })),
            ("frames", .int(Int64(frames))),
            ("stations", .int(Int64(truth.stations.count / 2))),
            ("shards", .array(shards.map { s in
                .object([("shard", .int(Int64(s.shard))), ("firstFrame", .int(Int64(s.firstFrame))),
                         ("frames", .int(Int64(s.frames))), ("from", s.from.map { .string($0.rfc3339) } ?? .null),
                         ("offsets", .array(s.position.inputs.map { .int(Int64($0.offset)) }))])
            })),
            ("migrations", .array(truth.migrations.map { m in
                let station = Int(m[0])
                let segment = Segment(rawValue: UInt32(truncatingIfNeeded: truth.stations[2 * station]))
                let mac = MACAddress(rawValue: UInt64(bitPattern: truth.stations[2 * station + 1]))
                return .object([("mac", .string(mac.description)), ("vlan", .int(Int64(segment.identifier))),
                                ("from", .string(placeText(m[1], m[2]))), ("to", .string(placeText(m[3], m[4]))),
                                ("time", .string(Timestamp(seconds: m[5], nanoseconds: UInt32(truncatingIfNeeded: m[6])).rfc3339)),
                                ("packet", .int(m[8]))])
            })),
        ])
    }

    /// The human form.
    public func summaryText() -> String {
        let bytes = inputs.reduce(UInt64(0)) { $0 + $1.bytes }
        var out = "timeline \(id): \(inputs.count) input\(inputs.count == 1 ? "" : "s"), \(bytes) bytes, \(frames) frames, "
            + "\(truth.stations.count / 2) stations, \(truth.migrations.count) migrations\n\nshards:\n"
        var rows: [[String]] = []
        for s in shards {
            rows.append(["\(s.shard)/\(shards.count)", s.frames == 0 ? "none" : "\(s.firstFrame)–\(s.firstFrame + s.frames - 1)",
                         s.from?.rfc3339 ?? "-"] + s.position.inputs.map { String($0.offset) })
        }
        out += TextTable(header: ["shard", "frames", "from"] + inputs.indices.map { "input \($0 + 1) at byte" }, rows: rows)
            .rendered()
        out += "\n" + inputs.enumerated().map { i, input in
            "input \(i + 1): \(input.path)" + (input.compression == "none" ? ""
                : " (\(input.compression): the offsets are in the decompressed stream; a shard decompresses from the start and skips to its offset)")
        }.joined(separator: "\n") + "\n"

        guard !truth.migrations.isEmpty else { return out }
        out += "\nmigrations:\n"
        rows = []
        for m in truth.migrations {
            let station = Int(m[0])
            let segment = Segment(rawValue: UInt32(truncatingIfNeeded: truth.stations[2 * station]))
            let mac = MACAddress(rawValue: UInt64(bitPattern: truth.stations[2 * station + 1]))
            rows.append([Timestamp(seconds: m[5], nanoseconds: UInt32(truncatingIfNeeded: m[6])).rfc3339, mac.description,
                         segment.description, "\(placeText(m[1], m[2])) → \(placeText(m[3], m[4]))", String(m[8])])
        }
        return out + TextTable(header: ["time", "mac", "vlan", "move", "packet"], rows: rows).rendered()
    }
}

extension Timeline {
    /// `timeline`'s summary in `format` (table or json).
    public func rendered(_ format: ReportFormat) -> String {
        format == .json ? summaryJSON.pretty() + "\n" : summaryText()
    }
}

extension CombineOutcome {
    /// `combine`'s report: what a single run prints, in the same format (a tables run prints
    /// json or ndjson).
    public func rendered(_ format: ReportFormat, layout: TableLayout) throws(RequestError) -> String {
        if let result = combined.simulate { return result.rendered(format, layout: layout) }
        if let flows = combined.flows { return flows.rendered(format, layout: layout) }
        // tables: the events of every shard, in order.
        switch format {
        case .json: return JSONValue.array(combined.events).pretty() + "\n"
        case .ndjson: return combined.events.map { $0.rendered() + "\n" }.joined()
        default: throw RequestError("--format: combine prints the parts of a sharded tables run as json or ndjson")
        }
    }
}
