import CaptureFile
import PacketWire

/// The summary `roamcap rewrite` prints.
public enum RewriteReport {
    public static func json(_ r: RewriteResult, dryRun: Bool) -> JSONValue {
        func counts(_ c: EntryCounts) -> [(String, JSONValue)] {
            [("toVM", .int(Int64(c.toVM))), ("fromVM", .int(Int64(c.fromVM))),
             ("icmpQuoted", .int(Int64(c.embedded))), ("truncated", .int(Int64(c.truncated)))]
        }
        func time(_ t: TimeBound?) -> JSONValue {
            switch t {
            case nil: return .null
            case .absolute(let ts)?: return .string(ts.rfc3339)
            case .relative(let ns)?: return .string("+" + formatDouble(Double(ns) / 1e9, 9) + "s")
            }
        }
        var fields: [(String, JSONValue)] = [
            ("input", .string(r.input)),
            ("packets", .int(Int64(r.packets))),
            ("rewritten", .int(Int64(r.rewritten))),
            ("truncatedRewritten", .int(Int64(r.truncatedRewritten))),
            ("icmpQuotedTranslated", .int(Int64(r.embeddedTranslated))),
            ("entries", .array(r.table.enumerated().map { i, e in
                .object([("vm", e.vm.map(JSONValue.string) ?? .null), ("primary", .string(e.primary.description)),
                         ("new", e.new.map { .string($0.description) } ?? .null),
                         ("from", time(e.from)), ("until", time(e.until)), ("origin", .string(e.origin))]
                        + counts(r.tableCounts[i]))
            })),
            ("learned", .array(r.learned.enumerated().map { i, e in
                .object([("mac", .string(e.mac.description)), ("primary", .string(e.primary.description)),
                         ("new", .string(e.new.description)), ("packet", .int(Int64(e.packet))),
                         ("time", .string(e.time.rfc3339)), ("evidence", .string(e.evidence)),
                         ("endedAtPacket", e.endedAtPacket.map { .int(Int64($0)) } ?? .null)]
                        + counts(r.learnedCounts[i]))
            })),
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
