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

    public func encoded() -> [UInt8] { sortedJSON(self) }
}

/// What a shard's pass counted, as its part carries it (`combine` adds the shards' up).
public struct ShardPass: Codable, Sendable {
    var packetsRead = 0
    var packetsUnclaimed = 0
    var notEthernet = 0
    var outOfOrder = 0
    var skippedRecords = 0
    /// The unreadable records met, as their errors say them.
    public internal(set) var skippedErrors: [String] = []
    /// The capture interfaces no port claims (every shard says them).
    var unclaimed: [String] = []
    /// Whether an unreadable record ended an input.
    public internal(set) var endedByError = false

    init() {}

    init(_ pass: PassStatistics, endedByError: Bool) {
        packetsRead = pass.packetsRead
        packetsUnclaimed = pass.packetsUnclaimed
        notEthernet = pass.notEthernet
        outOfOrder = pass.outOfOrder
        skippedRecords = pass.skippedRecords
        skippedErrors = pass.skippedErrors.map(\.description)
        unclaimed = pass.unclaimed
        self.endedByError = endedByError
    }

    /// Adds the next shard's counts.
    mutating func add(_ next: ShardPass) {
        packetsRead += next.packetsRead
        packetsUnclaimed += next.packetsUnclaimed
        notEthernet += next.notEthernet
        outOfOrder += next.outOfOrder
        skippedRecords += next.skippedRecords
        skippedErrors += next.skippedErrors
        unclaimed = next.unclaimed
        endedByError = endedByError || next.endedByError
    }

    /// The counts as a pass's statistics (the errors stay text: `skippedErrors`).
    var statistics: PassStatistics {
        var s = PassStatistics(packetsRead: packetsRead, skippedRecords: skippedRecords)
        s.packetsUnclaimed = packetsUnclaimed
        s.notEthernet = notEthernet
        s.outOfOrder = outOfOrder
        s.unclaimed = unclaimed
        return s
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
    var migrations: [Migration]
    /// Per policy.
    var counts: [FabricCounts]
    /// Per policy, the migrations whose traffic the shard saw lost.
    var losses: [[Loss]]
    public internal(set) var pass: ShardPass
    var packetsSimulated: Int
    var broadcasts: Int
    /// With the captured control plane: per migration, `unadvertised`; the routes applied and
    /// those no site claims (the same in every part: they come from the timeline).
    public internal(set) var unadvertised: [Bool]?
    public internal(set) var capturedRoutes: Int?
    public internal(set) var capturedUnattributed: Int?

    /// A `FabricMigration`.
    struct Migration: Codable, Equatable, Sendable {
        var segment: UInt32
        var mac: UInt64
        var fromSite: Int32
        var fromPort: Int32
        var toSite: Int32
        var toPort: Int32
        var time: Timestamp
        var offset: Int64
        var packet: Int

        init(_ m: FabricMigration) {
            segment = m.station.segment.rawValue
            mac = m.station.mac.rawValue
            (fromSite, fromPort, toSite, toPort) = (m.from.site, m.from.port, m.to.site, m.to.port)
            time = m.time
            offset = m.offset
            packet = m.packet
        }

        var fabricMigration: FabricMigration {
            FabricMigration(station: StationKey(segment: Segment(rawValue: segment), mac: MACAddress(rawValue: mac)),
                            from: Topology.PortID(site: Int(fromSite), port: Int(fromPort)),
                            to: Topology.PortID(site: Int(toSite), port: Int(toPort)), time: time, offset: offset, packet: packet)
        }
    }

    /// The frames of a migration's traffic lost in the shard, and the last one's time (ns after
    /// the simulation's zero).
    struct Loss: Codable, Equatable, Sendable {
        /// Its index in `migrations`.
        var migration: Int
        var lostFrames: Int
        var lastLost: Int64
    }
}

extension SimulatePart {
    init(_ report: FabricReport, sites: [Timeline.Site]) {
        self.sites = sites
        firstTime = report.firstTime
        policies = report.policies.map(\.rawValue)
        migrations = report.migrations.map(Migration.init)
        counts = report.counts
        losses = report.losses.map { list in
            list.enumerated().filter { $0.element.lostFrames > 0 }.map { m, loss in
                Loss(migration: m, lostFrames: loss.lostFrames, lastLost: loss.lastLost)
            }
        }
        pass = ShardPass(report.pass, endedByError: report.endedByError)
        packetsSimulated = report.packetsSimulated
        broadcasts = report.broadcasts
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
