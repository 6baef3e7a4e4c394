import CaptureFile
import PacketWire

/// A migration of the ground truth: a station's first frame at another site.
public struct FabricMigration: Sendable, Equatable {
    public var station: StationKey
    public var from: Topology.PortID
    public var to: Topology.PortID
    public var time: Timestamp
    /// ns after the first packet (the simulation clock).
    public var offset: Int64
    /// The 1-based number of that first frame.
    public var packet: Int
}

/// Where a frame's destination was, by the ground truth.
public struct DestinationTruth: Sendable, Equatable {
    /// The place of its latest frame at or before the frame's time (nil: never seen yet).
    public var location: Topology.PortID?
    /// Its next frame after that time is at another place.
    public var inTransit: Bool
    /// That other place, for in-transit frames.
    public var nextLocation: Topology.PortID?
    /// Index into `migrations` of its latest migration at or before the time (-1: none).
    public var migration: Int32

    public static let unknown = DestinationTruth(location: nil, inTransit: false, nextLocation: nil, migration: -1)
}

/// The ground truth of SPEC §2, from a first pass over the input: where each station was and
/// when, as runs of consecutive frames at one place (memory grows with moves, not packets).
public final class FabricGroundTruth {
    /// A maximal sequence of a station's frames at one place.
    struct Run {
        var start: Int64
        var end: Int64
        var place: Topology.PortID
        /// The station's latest migration at or before `start` (-1: none).
        var migration: Int32
    }

    /// Station → index (every MAC seen as a source).
    public private(set) var index: [StationKey: Int32] = [:]
    public private(set) var stations: [StationKey] = []
    public private(set) var migrations: [FabricMigration] = []
    var runs: [[Run]] = []
    /// Per station: the run the last lookup found (lookups are mostly in time order).
    private var cursor: [Int32] = []

    public init() {}

    public var stationCount: Int { stations.count }

    /// The index of a station, if it was ever seen as a source.
    @inline(__always)
    public func station(_ key: StationKey) -> Int32? { index[key] }

    // MARK: First pass

    /// Records a frame from `key` at `place`; `offset` is its (non-decreasing) time in ns after
    /// the first packet.
    @inline(__always)
    func observeSource(_ key: StationKey, place: Topology.PortID, offset: Int64, time: Timestamp, packet: Int) {
        guard let s = index[key] else {
            let s = Int32(stations.count)
            index[key] = s
            stations.append(key)
            runs.append([Run(start: offset, end: offset, place: place, migration: -1)])
            cursor.append(0)
            return
        }
        let i = Int(s)
        let last = runs[i].count - 1
        if runs[i][last].place == place {
            runs[i][last].end = offset
            return
        }
        let previous = runs[i][last]
        var migration = previous.migration
        if previous.place.site != place.site {
            migration = Int32(migrations.count)
            migrations.append(FabricMigration(station: key, from: previous.place, to: place, time: time, offset: offset,
                                              packet: packet))
        }
        runs[i].append(Run(start: offset, end: offset, place: place, migration: migration))
    }

    /// A copy for another thread: the same runs, its own lookup cursors.
    func copyForLookups() -> FabricGroundTruth {
        let copy = FabricGroundTruth()
        copy.index = index
        copy.stations = stations
        copy.migrations = migrations
        copy.runs = runs
        copy.cursor = Array(repeating: 0, count: cursor.count)
        return copy
    }

    // MARK: Timelines (SPEC §9)

    /// The ground truth as a timeline stores it.
    var state: GroundTruthState {
        GroundTruthState(
            stations: stations.flatMap { [Int64($0.segment.rawValue), Int64(bitPattern: $0.mac.rawValue)] },
            runs: runs.map { list in
                list.flatMap { [$0.start, $0.end, Int64($0.place.site), Int64($0.place.port), Int64($0.migration)] }
            },
            migrations: migrations.map { m in
                [Int64(index[m.station] ?? -1), Int64(m.from.site), Int64(m.from.port), Int64(m.to.site), Int64(m.to.port),
                 m.time.seconds, Int64(m.time.nanoseconds), m.offset, Int64(m.packet)]
            })
    }

    /// The ground truth a timeline stored.
    convenience init(state: GroundTruthState) throws(TimelineError) {
        self.init()
        let s = state.stations
        guard s.count % 2 == 0, state.runs.count == s.count / 2 else {
            throw TimelineError("the timeline's ground truth is malformed (stations and runs)")
        }
        for k in stride(from: 0, to: s.count, by: 2) {
            let key = StationKey(segment: Segment(rawValue: UInt32(truncatingIfNeeded: s[k])),
                                 mac: MACAddress(rawValue: UInt64(bitPattern: s[k + 1])))
            index[key] = Int32(stations.count)
            stations.append(key)
        }
        for list in state.runs {
            guard list.count % 5 == 0, !list.isEmpty else { throw TimelineError("the timeline's ground truth is malformed (runs)") }
            runs.append(stride(from: 0, to: list.count, by: 5).map { k in
                Run(start: list[k], end: list[k + 1],
                    place: Topology.PortID(site: Int(list[k + 2]), port: Int(list[k + 3])),
                    migration: Int32(truncatingIfNeeded: list[k + 4]))
            })
        }
        cursor = Array(repeating: 0, count: stations.count)
        for m in state.migrations {
            guard m.count == 9, let station = Int(exactly: m[0]), station >= 0, station < stations.count else {
                throw TimelineError("the timeline's ground truth is malformed (migrations)")
            }
            migrations.append(FabricMigration(
                station: stations[station], from: Topology.PortID(site: Int(m[1]), port: Int(m[2])),
                to: Topology.PortID(site: Int(m[3]), port: Int(m[4])),
                time: Timestamp(seconds: m[5], nanoseconds: UInt32(truncatingIfNeeded: m[6])), offset: m[7], packet: Int(m[8])))
        }
    }

    // MARK: Lookups

    /// Where station `s` was at `offset` and whether a frame sent to it then is in transit.
    @inline(__always)
    public func destination(_ s: Int32, at offset: Int64) -> DestinationTruth {
        let i = Int(s)
        let list = runs[i]
        var c = Int(cursor[i])
        // The last run that starts at or before `offset`.
        while c + 1 < list.count && list[c + 1].start <= offset { c += 1 }
        while c > 0 && list[c].start > offset { c -= 1 }
        cursor[i] = Int32(c)
        let run = list[c]
        if run.start > offset { return .unknown }
        if run.end <= offset && c + 1 < list.count {
            return DestinationTruth(location: run.place, inTransit: true, nextLocation: list[c + 1].place,
                                    migration: run.migration)
        }
        return DestinationTruth(location: run.place, inTransit: false, nextLocation: nil, migration: run.migration)
    }
}

/// `FabricGroundTruth` as a timeline stores it: flat integer lists.
struct GroundTruthState: Codable, Equatable, Sendable {
    /// Per station: segment, MAC.
    var stations: [Int64]
    /// Per station, per run: start, end, site, port, migration.
    var runs: [[Int64]]
    /// Per migration: station, from site, from port, to site, to port, seconds, nanoseconds, offset, packet.
    var migrations: [[Int64]]
}
