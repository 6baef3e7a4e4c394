import PacketFilter
import CaptureFile

// The JSON names of `roamcap info` (SPEC §5) and its human summary.

extension CaptureSummary {
    /// The JSON object of SPEC §5 (with additional fields after the fixed ones).
    public var json: JSONValue {
        let duration = self.duration
        var fields: [(String, JSONValue)] = [
            ("file", .string(file)),
            ("format", .string(format.rawValue)),
            ("compression", .string(compression.rawValue)),
            ("packets", .int(Int64(packets))),
            ("bytes", .int(Int64(bytes))),
            ("first", first.map { .string($0.rfc3339) } ?? .null),
            ("last", last.map { .string($0.rfc3339) } ?? .null),
            ("ordered", .bool(ordered)),
            ("interfaces", .array(interfaces.enumerated().map { index, i in
                .object([
                    ("name", i.name.map(JSONValue.string) ?? .null),
                    ("linkType", .int(Int64(i.linkType))),
                    ("snaplen", .int(Int64(i.snapLength))),
                    ("tsresol", .string(i.resolutionText)),
                    ("linkTypeName", .string(LinkTypeName.name(i.linkType))),
                    ("description", i.interfaceDescription.map(JSONValue.string) ?? .null),
                    ("section", .int(Int64(i.section))),
                    ("tsoffset", .int(i.timestampOffset)),
                    ("packets", .int(Int64(index < packetsPerInterface.count ? packetsPerInterface[index] : 0))),
                ])
            })),
            ("firstEpoch", first.map { .string($0.description) } ?? .null),
            ("lastEpoch", last.map { .string($0.description) } ?? .null),
            ("firstInFileOrder", firstInFileOrder.map { .string($0.description) } ?? .null),
            ("lastInFileOrder", lastInFileOrder.map { .string($0.description) } ?? .null),
            ("untimedPackets", .int(Int64(untimedPackets))),
            ("durationSeconds", duration.map(JSONValue.double) ?? .null),
            ("fileBytes", fileBytes.map { .int(Int64($0)) } ?? .null),
            ("originalBytes", .int(Int64(originalBytes))),
            ("sections", .int(Int64(sections.count))),
            ("truncatedPackets", .int(Int64(truncatedPackets))),
            ("commentedPackets", .int(Int64(commentedPackets))),
            ("comments", .array(comments.map(JSONValue.string))),
            ("skippedRecords", .int(Int64(skippedRecords))),
            ("skippedBlocks", .int(Int64(skippedBlocks))),
            ("subsecondCarries", .int(Int64(subsecondCarries))),
        ]
        if let duration, duration > 0 {
            fields.append(("packetsPerSecond", .double(Double(packets) / duration)))
            fields.append(("bytesPerSecond", .double(Double(bytes) / duration)))
            fields.append(("bitsPerSecond", .double(Double(bytes) * 8 / duration)))
        }
        if packets > 0 { fields.append(("averagePacketSize", .double(Double(bytes) / Double(packets)))) }
        return .object(fields)
    }

    /// capinfos-like "name: value" lines.
    public var text: String {
        var lines: [(String, String)] = [
            ("File name", file),
            ("File format", format.rawValue + (compression == .none ? "" : " (\(compression.rawValue) compressed)")),
        ]
        if let fileBytes { lines.append(("File size", "\(fileBytes) bytes")) }
        lines.append(("Sections", String(sections.count)))
        for (index, i) in interfaces.enumerated() {
            let name = i.name ?? "(unnamed)"
            let count = index < packetsPerInterface.count ? packetsPerInterface[index] : 0
            lines.append(("Interface #\(index)", "\(name): \(LinkTypeName.name(i.linkType)) (\(i.linkType)), "
                          + "snaplen \(i.snapLength), tsresol \(i.resolutionText), \(count) packets"))
        }
        lines.append(("Packets", String(packets)))
        lines.append(("Data size", "\(bytes) bytes (\(originalBytes) on the wire)"))
        lines.append(("First packet", first.map { "\($0.rfc3339) (\($0))" } ?? "-"))
        lines.append(("Last packet", last.map { "\($0.rfc3339) (\($0))" } ?? "-"))
        if let duration {
            lines.append(("Duration", formatDouble(duration, 9) + " s"))
            if duration > 0 {
                lines.append(("Average rate", formatDouble(Double(packets) / duration, 2) + " packets/s, "
                              + formatDouble(Double(bytes) * 8 / duration, 0) + " bits/s"))
            }
        }
        if packets > 0 { lines.append(("Average packet size", formatDouble(Double(bytes) / Double(packets), 2) + " bytes")) }
        lines.append(("Time ordered", ordered ? "yes" : "no"))
        if truncatedPackets > 0 { lines.append(("Truncated packets", String(truncatedPackets))) }
        if commentedPackets > 0 { lines.append(("Packets with comments", String(commentedPackets))) }
        for comment in comments { lines.append(("Comment", comment)) }
        if subsecondCarries > 0 { lines.append(("Sub-second field out of range", "\(subsecondCarries) packets (carried into seconds)")) }
        if skippedRecords > 0 { lines.append(("Skipped unreadable records", String(skippedRecords))) }
        if skippedBlocks > 0 { lines.append(("Skipped unknown blocks", String(skippedBlocks))) }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1 }
            .joined(separator: "\n") + "\n"
    }
}

extension InfoOutcome {
    /// `info` in `format`: one file's summary as text, several as a table.
    public func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .json:
            return json.pretty() + "\n"
        case .ndjson:
            return summaries.map { $0.json.rendered() + "\n" }.joined()
        case .csv, .table:
            if format == .table && summaries.count == 1 { return summaries[0].text }
            let columns = ["file", "format", "compression", "packets", "bytes", "first", "last", "durationSeconds", "ordered"]
            return Report(columns: columns, rows: summaries.map(\.json)).rendered(format)
        }
    }
}
