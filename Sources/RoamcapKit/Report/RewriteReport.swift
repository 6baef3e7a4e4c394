import CaptureFile
import PacketWire

/// The summary `roamcap rewrite` prints; its JSON names are SPEC §5's (more may be added).
public enum RewriteReport {
    public static func json(_ r: RewriteResult, dryRun: Bool) -> JSONValue {
        var entries: [JSONValue] = []
        for (i, e) in r.table.enumerated() {
            entries.append(tableEntry(r, i, e))
        }
        for (i, e) in r.learned.enumerated() {
            var fields: [(String, JSONValue)] = [
                ("primary", .string(e.primary.description)), ("new", .string(e.new.description)),
                ("from", .string(e.time.rfc3339)),
            ]
            if let ended = e.endedAt { fields.append(("until", .string(ended.rfc3339))) }
            fields += [("learnedAt", .int(Int64(e.packet))), ("packets", .int(Int64(r.learnedCounts[i].packets))),
                       ("mac", .string(e.mac.description)), ("evidence", .string(e.evidence)),
                       ("endedAtPacket", e.endedAtPacket.map { .int(Int64($0)) } ?? .null)]
            entries.append(.object(fields + counts(r.learnedCounts[i])))
        }
        let all = r.tableCounts + r.learnedCounts
        var fields: [(String, JSONValue)] = [
            ("input", .string(r.input)),
            ("packets", .int(Int64(r.packets))),
            ("rewritten", .int(Int64(r.rewritten))),
            ("bySource", .int(Int64(all.reduce(0) { $0 + $1.fromVM }))),
            ("byDestination", .int(Int64(all.reduce(0) { $0 + $1.toVM }))),
            ("truncated", .int(Int64(r.truncatedRewritten))),
            ("icmpQuotedTranslated", .int(Int64(r.embeddedTranslated))),
            ("entries", .array(entries)),
        ]
        if dryRun {
            fields.append(("flows", .array(r.flows.map { f in
                .object([("entry", .string(entryName(r, f.0))), ("direction", .string(f.0.direction)),
                         ("proto", .int(Int64(f.0.proto))),
                         ("src", .string(f.0.source.description)), ("sport", .int(Int64(f.0.sourcePort))),
                         ("dst", .string(f.0.destination.description)), ("dport", .int(Int64(f.0.destinationPort))),
                         ("packets", .int(Int64(f.packets))), ("first", .string(f.first.rfc3339)),
                         ("last", .string(f.last.rfc3339))])
            })))
        }
        return .object(fields)
    }

    /// Per entry: addresses rewritten in each direction, quoted headers translated, truncated packets.
    static func counts(_ c: EntryCounts) -> [(String, JSONValue)] {
        [("byDestination", .int(Int64(c.toVM))), ("bySource", .int(Int64(c.fromVM))),
         ("icmpQuoted", .int(Int64(c.embedded))), ("truncated", .int(Int64(c.truncated)))]
    }

    /// A static or notified entry, its times absolute: `from` as replayed (null when it has no
    /// beginning), `until` where it ended (its own, or the time a later entry replaced it).
    static func tableEntry(_ r: RewriteResult, _ i: Int, _ e: MigrationEntry) -> JSONValue {
        let reference = r.reference ?? Timestamp(seconds: 0, nanoseconds: 0)
        let span = r.spans.first { $0.entry == i }
        var from = span?.from ?? e.from?.resolve(reference: reference)
        var until = span?.until ?? e.until?.resolve(reference: reference)
        if from?.seconds == .min { from = nil }
        if until?.seconds == .max { until = nil }
        var fields: [(String, JSONValue)] = []
        if let vm = e.vm { fields.append(("vm", .string(vm))) }
        fields += [("primary", .string(e.primary.description)), ("new", e.new.map { .string($0.description) } ?? .null),
                   ("from", from.map { .string($0.rfc3339) } ?? .null)]
        if let until { fields.append(("until", .string(until.rfc3339))) }
        fields += [("packets", .int(Int64(r.tableCounts[i].packets))), ("origin", .string(e.origin))]
        return .object(fields + counts(r.tableCounts[i]))
    }

    static func entryName(_ r: RewriteResult, _ f: FlowChange) -> String {
        if f.learned { return "learned#\(f.entry + 1)" }
        return r.table[f.entry].vm ?? r.table[f.entry].origin
    }

    public static func render(_ results: [RewriteResult], format: ReportFormat, dryRun: Bool) -> String {
        switch format {
        case .json:
            return (results.count == 1 ? json(results[0], dryRun: dryRun) : .array(results.map { json($0, dryRun: dryRun) })).pretty() + "\n"
        case .ndjson:
            return results.map { json($0, dryRun: dryRun).rendered() + "\n" }.joined()
        case .csv, .table:
            var rows: [JSONValue] = []
            for r in results {
                for (i, e) in r.table.enumerated() {
                    let c = r.tableCounts[i]
                    rows.append(.object([("input", .string(baseName(r.input))), ("entry", .string(e.vm ?? "-")),
                                         ("primary", .string(e.primary.description)), ("new", .string(e.new?.description ?? "(removed)")),
                                         ("origin", .string(e.origin)), ("toVM", .int(Int64(c.toVM))), ("fromVM", .int(Int64(c.fromVM))),
                                         ("icmpQuoted", .int(Int64(c.embedded))), ("truncated", .int(Int64(c.truncated)))]))
                }
                for (i, e) in r.learned.enumerated() {
                    let c = r.learnedCounts[i]
                    rows.append(.object([("input", .string(baseName(r.input))), ("entry", .string("learned#\(i + 1)")),
                                         ("primary", .string(e.primary.description)), ("new", .string(e.new.description)),
                                         ("origin", .string("packet \(e.packet) \(e.evidence) \(e.mac) \(e.time.rfc3339)")),
                                         ("toVM", .int(Int64(c.toVM))), ("fromVM", .int(Int64(c.fromVM))),
                                         ("icmpQuoted", .int(Int64(c.embedded))), ("truncated", .int(Int64(c.truncated)))]))
                }
            }
            let columns = ["input", "entry", "primary", "new", "origin", "toVM", "fromVM", "icmpQuoted", "truncated"]
            var text = Report(columns: columns, rows: rows).rendered(format)
            if format == .table {
                for r in results {
                    text += "\(baseName(r.input)): \(r.packets) packets, \(r.rewritten) rewritten"
                        + " (\(r.truncatedRewritten) truncated, \(r.embeddedTranslated) ICMP errors with quoted header translated)"
                        + (dryRun ? ", dry run: nothing written" : "") + "\n"
                }
                if dryRun {
                    var flowRows: [JSONValue] = []
                    for r in results {
                        for f in r.flows {
                            flowRows.append(.object([("entry", .string(entryName(r, f.0))), ("direction", .string(f.0.direction)),
                                                     ("flow", .string("\(protoName(f.0.proto)) \(f.0.source):\(f.0.sourcePort) > \(f.0.destination):\(f.0.destinationPort)")),
                                                     ("packets", .int(Int64(f.packets))), ("first", .string(f.first.rfc3339)),
                                                     ("last", .string(f.last.rfc3339))]))
                        }
                    }
                    text += "\n" + Report(columns: ["entry", "direction", "flow", "packets", "first", "last"], rows: flowRows).rendered(.table)
                }
            }
            return text
        }
    }

    static func protoName(_ p: UInt8) -> String {
        switch p {
        case 6: return "tcp"
        case 17: return "udp"
        case 1: return "icmp"
        case 58: return "icmpv6"
        default: return "ip/\(p)"
        }
    }
}
