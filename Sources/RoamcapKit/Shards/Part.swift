import CaptureFile
import Foundation
import PacketWire

/// What one shard of a sharded run found (SPEC §9), as `--shard K/N -o PART` writes it and
/// `roamcap combine` reads it: the raw counts of the command's result (not its report), which
/// add up to those of a single run.
public struct Part: Codable, Sendable {
    public static let formatName = "roamcap-part"
    public static let currentVersion = 1

    public var format = Part.formatName
    public var version = Part.currentVersion
    /// `simulate`, `tables` or `flows`.
    public var command: String
    /// The timeline's id, the shard (1-based) and how many there are.
    public var timeline: String
    public var shard: Int
    public var shards: Int
    /// What must be equal in every part of one run: the command's options that change its result.
    public var options: String
    public var simulate: SimulatePart?
    public var tables: TablesPart?
    /// `flows`: what its frames are read with (the frames themselves follow in the part's capture).
    public var flows: FlowsPart?

    /// Reads a part written by a shard: a JSON file, or (`flows`) a capture whose first section
    /// header's first comment is the part.
    public static func load(path: String) throws(TimelineError) -> Part {
        guard let file = FileHandle(forReadingAtPath: path) else { throw TimelineError("\(path): cannot read the part") }
        let head = (try? file.read(upToCount: 1)) ?? nil
        try? file.close()
        var json: Data
        if head?.first == UInt8(ascii: "{") {
            guard let data = FileManager.default.contents(atPath: path) else { throw TimelineError("\(path): cannot read the part") }
            json = data
        } else {
            // A flows part: its frames follow the header.
            guard let reader = try? CaptureReader(path: path), case .section(let section)?? = try? reader.next(),
                  let header = section.options.comments.first else {
                throw TimelineError("\(path): not a roamcap part (neither JSON nor a flows part's capture)")
            }
            json = Data(header.utf8)
        }
        let part: Part
        do {
            part = try JSONDecoder().decode(Part.self, from: json)
        } catch {
            throw TimelineError("\(path): not a roamcap part (\(shortDecodingError(error)))")
        }
        guard part.format == formatName, part.version == currentVersion else {
            throw TimelineError("\(path): not a roamcap part of version \(currentVersion)")
        }
        return part
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try! encoder.encode(self))
    }
}

/// `tables`' share of a shard: the events it reports (SPEC §5 JSON, one line each).
public struct TablesPart: Codable, Sendable {
    var events: [String]
}

/// `simulate`'s share of a shard: `FabricReport`'s counts over the shard's frames, with what
/// its report needs to be rendered (sites, migrations).
public struct SimulatePart: Codable, Sendable {
    var sites: [Timeline.Site]
    var firstTime: Timestamp?
    var policies: [String]
    /// Per migration: segment, MAC, from site, from port, to site, to port, seconds, nanoseconds, offset, packet.
    var migrations: [[Int64]]
    /// Per policy: frames, delivered, misdelivered, staleLocal, staleRemote, floodAtCore, unknownDrop, inTransit, excessCopies.
    var counts: [[Int]]
    /// Per policy, per migration with lost frames: migration, lostFrames, lastLost.
    var losses: [[Int64]]
    /// packetsRead, packetsUnclaimed, notEthernet, packetsSimulated, broadcasts.
    var statistics: [Int]
    var outOfOrder: Int
    var skippedRecords: Int
    public internal(set) var skippedErrors: [String]
    var unclaimed: [String]
    public internal(set) var endedByError: Bool
    /// With the captured control plane: per migration, `unadvertised`; the routes applied and
    /// those no site claims (the same in every part: they come from the timeline).
    public internal(set) var unadvertised: [Bool]?
    public internal(set) var capturedRoutes: Int?
    public internal(set) var capturedUnattributed: Int?
}

extension SimulatePart {
    init(_ report: FabricReport, sites: [Timeline.Site]) {
        self.sites = sites
        firstTime = report.firstTime
        policies = report.policies.map(\.rawValue)
        migrations = report.migrations.map { m in
            [Int64(m.station.segment.rawValue), Int64(bitPattern: m.station.mac.rawValue), Int64(m.from.site),
             Int64(m.from.port), Int64(m.to.site), Int64(m.to.port), m.time.seconds, Int64(m.time.nanoseconds), m.offset,
             Int64(m.packet)]
        }
        counts = report.counts.map { c in
            [c.frames, c.delivered, c.misdelivered, c.staleLocal, c.staleRemote, c.floodAtCore, c.unknownDrop, c.inTransit,
             c.excessCopies]
        }
        losses = report.losses.map { list in
            list.enumerated().filter { $0.element.lostFrames > 0 }.flatMap { m, loss in
                [Int64(m), Int64(loss.lostFrames), loss.lastLost]
            }
        }
        statistics = [report.pass.packetsRead, report.pass.packetsUnclaimed, report.pass.notEthernet, report.packetsSimulated,
                      report.broadcasts]
        outOfOrder = report.pass.outOfOrder
        skippedRecords = report.pass.skippedRecords
        skippedErrors = report.pass.skippedErrors.map(\.description)
        unclaimed = report.pass.unclaimed
        endedByError = report.endedByError
        if report.policies.contains(.captured) {
            unadvertised = report.unadvertised
            capturedRoutes = report.capturedRoutes
            capturedUnattributed = report.capturedUnattributed
        }
    }
}

/// Writes a timeline or part to `path` at once (nothing is left behind if it fails); `-` is
/// standard output, whose closing is `brokenPipe`'s to handle.
public func writeShardFile(_ bytes: [UInt8], to path: String, force: Bool, inputs: [String],
                           brokenPipe: OutputFile.BrokenPipe = .throwsError) throws(CaptureError) {
    let out = try OutputFile(path: path, compressed: false, force: force, inputs: inputs, brokenPipe: brokenPipe)
    try out.write(bytes + [0x0A])
    try out.commit()
}
