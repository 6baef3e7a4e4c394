import CaptureFile
import Foundation
import PacketFilter
import PacketWire

/// A sharded run's mistake (a timeline or part that does not fit the run): one line, exit 2.
public struct TimelineError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Pass 1 of a sharded run (SPEC §9): the control-plane timeline of the inputs and the plan
/// that cuts them into shards.
///
/// It holds what the fabric's second pass needs and cannot see in one shard: the ground truth
/// (every station's places and their times, the migrations) and, at the start of each shard,
/// where every input stands (`StreamPosition`: the byte offset of its next record and its
/// header blocks) and the edge devices' tables under every policy (`EdgeFabricState`: entries,
/// ARP snooping, advertisements on their way, aging through each entry's last refresh). Its
/// size grows with stations, moves and shards, never with packets.
public struct Timeline: Codable, Sendable {
    public static let formatName = "roamcap-timeline"
    public static let currentVersion = 1

    public var format = Timeline.formatName
    public var version = Timeline.currentVersion
    /// A digest of everything below: parts name the timeline they were made from.
    public var id = ""
    public var inputs: [Input]
    /// The topology file's digest (nil: the default topology, a site per capture interface).
    public var topologyDigest: String?
    /// Every site and its ports once every capture interface is registered (names, for reports).
    public var sites: [Site]
    public var readFilter: String?
    public var keepGoing: Bool
    /// The UDP ports its passes decoded as VXLAN (nil: 4789): the table engine learns the
    /// stations inside, so a tables or flows shard must decode the same.
    public var vxlanPorts: [UInt16]?
    public var settings: Settings
    /// Frames read (after the read filter: all frames, numbered as a single run numbers them).
    public var frames: Int
    /// The earliest timestamp (the simulation clock's zero) and the earliest of the frames that have one.
    public var base: Timestamp
    public var firstTime: Timestamp?
    public var earliest: Timestamp?
    var truth: GroundTruthState
    /// The table engine's events (`tables`), for `tables --shard`.
    var tables: Tables
    /// The control plane captured in the inputs (SPEC §8), when the timeline was made with it.
    var captured: Captured?
    public var shards: [Shard]

    /// The events `tables` reports with no filter (SPEC §5 JSON, one line each), and per event
    /// the number of the frame whose processing reported it.
    struct Tables: Codable, Sendable {
        /// The table engine's settings and BGP/BMP ports (a shard must ask for the same).
        var settings: String
        var events: [String]
        var frames: [Int]
        /// The migrations and moves `flows` ties outages to (`TableEvent.shardFields`): the table
        /// engine's under its default settings, as a single `flows` run finds them.
        var migrations: [[Int64]]?

        static func settingsText(_ s: TableSettings, _ ports: ControlPlaneSettings) -> String {
            "aging=\(s.aging.map(String.init) ?? "topology") duplicate-moves=\(s.duplicateMoves) "
                + "duplicate-window=\(s.duplicateWindow) duplicate-ip-window=\(s.duplicateIPWindow) "
                + Captured.portsText(ports)
        }
    }

    /// The advertisements of the captured control plane, in the order applied.
    struct Captured: Codable, Sendable {
        /// The BGP and BMP ports they were read on (a shard must ask for the same).
        var ports: String
        /// Per advertisement: time, site, station, sequence number, withdrawal (1) or not (0).
        var advertisements: [[Int64]]
        /// Per migration: whether no advertisement from its new site was captured after it.
        var unadvertised: [Bool]
        var routes: Int
        var unattributed: Int

        static func portsText(_ s: ControlPlaneSettings) -> String {
            "bgp=\(s.bgpPorts.map(String.init).joined(separator: ",")) bmp=\(s.bmpPorts.map(String.init).joined(separator: ","))"
        }

        var schedule: [CapturedSchedule.Item] {
            advertisements.map {
                CapturedSchedule.Item(time: $0[0], site: Int32(truncatingIfNeeded: $0[1]), station: Int32(truncatingIfNeeded: $0[2]),
                                      sequence: UInt32(truncatingIfNeeded: $0[3]), withdraw: $0[4] != 0)
            }
        }
    }

    public struct Input: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: UInt64
        public var compression: String
    }

    public struct Site: Codable, Sendable, Equatable {
        public var name: String
        /// Per port: its name and capture point.
        public var ports: [[String]]
    }

    /// The fabric settings the tables were kept under (a shard must be run with the same).
    public struct Settings: Codable, Sendable, Equatable {
        public var advertiseDelay: Int64?
        public var siteAdvertiseDelays: [String: Int64]
        public var aging: Int64?
        public var unknownUnicast: String?

        init(_ s: FabricSettings) {
            advertiseDelay = s.advertiseDelay
            siteAdvertiseDelays = s.siteAdvertiseDelays
            aging = s.aging
            unknownUnicast = s.unknownUnicast?.rawValue
        }
    }

    /// One shard: a range of frames in the merged time order of the inputs.
    public struct Shard: Codable, Sendable {
        /// 1-based.
        public var shard: Int
        /// The number of its first frame (1-based) and how many it has.
        public var firstFrame: Int
        public var frames: Int
        /// The time of its first frame.
        public var from: Timestamp?
        var position: StreamPosition
        /// The simulation clock before its first frame (ns after `base`).
        var clock: Int64
        /// The edge devices' tables before its first frame, one per policy (`FabricPolicy.allCases`).
        var fabrics: [EdgeFabricState]
    }

    // MARK: Files

    /// Reads a timeline written by `roamcap timeline`.
    public static func load(path: String) throws(TimelineError) -> Timeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TimelineError("\(path): cannot read the timeline")
        }
        let timeline: Timeline
        do {
            timeline = try JSONDecoder().decode(Timeline.self, from: data)
        } catch {
            throw TimelineError("\(path): not a roamcap timeline (\(shortDecodingError(error)))")
        }
        guard timeline.format == formatName, timeline.version == currentVersion else {
            throw TimelineError("\(path): not a roamcap timeline of version \(currentVersion) (format \(timeline.format), version \(timeline.version))")
        }
        guard timeline.shards.enumerated().allSatisfy({ $0.offset + 1 == $0.element.shard }), !timeline.shards.isEmpty else {
            throw TimelineError("\(path): the timeline's shards are not numbered 1 to \(timeline.shards.count)")
        }
        return timeline
    }

    /// The timeline as JSON (keys sorted, so equal timelines are equal bytes).
    public func encoded() -> [UInt8] { sortedJSON(self) }

    /// Sets `id` to the digest of the rest.
    mutating func seal() {
        id = ""
        id = digestText(encoded())
    }

    // MARK: Checks a shard makes

    /// Throws unless `inputs` are the timeline's (same number, same sizes) and `shard` is one of its.
    func check(inputs paths: [String], topologyDigest digest: String?, readFilter filter: String?,
               settings: FabricSettings?, shard: Int, of count: Int) throws(TimelineError) {
        guard count == shards.count else {
            throw TimelineError("--shard \(shard)/\(count): the timeline has \(shards.count) shards")
        }
        guard shard >= 1 && shard <= count else { throw TimelineError("--shard \(shard)/\(count): no such shard") }
        guard paths.count == inputs.count else {
            throw TimelineError("the timeline is of \(inputs.count) inputs, this run has \(paths.count)")
        }
        for (path, input) in zip(paths, inputs) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value
            guard let size else { throw TimelineError("\(path): cannot read") }
            guard size == input.bytes else {
                throw TimelineError("\(path) is \(size) bytes; the timeline's input \(input.path) was \(input.bytes) (another file, or it changed)")
            }
        }
        guard digest == topologyDigest else {
            throw TimelineError(topologyDigest == nil ? "the timeline was made without a topology; run without --topology"
                : digest == nil ? "the timeline was made with a topology; give the same --topology"
                : "the topology is not the one the timeline was made with")
        }
        guard filter == readFilter else {
            throw TimelineError("the timeline was made with --read-filter \(readFilter.map { "'\($0)'" } ?? "(none)"); "
                                + "this run has \(filter.map { "'\($0)'" } ?? "none")")
        }
        if let settings, Settings(settings) != self.settings {
            throw TimelineError("the fabric settings (--advertise-delay, --aging, --unknown-unicast) are not the timeline's; "
                                + "make the timeline with the same options")
        }
    }

    /// Throws unless a tables or flows shard decodes VXLAN on the ports the timeline's table
    /// engine did (its events and migrations include the stations inside).
    func checkVXLANPorts(_ ports: [UInt16]) throws(TimelineError) {
        let made = vxlanPorts ?? [VXLANPacket.udpPort]
        guard Set(ports) == Set(made) else {
            throw TimelineError("the timeline was made with --vxlan-port \(made.map(String.init).joined(separator: ",")); "
                                + "this run has \(ports.map(String.init).joined(separator: ","))")
        }
    }

    /// The topology of a run's sites (for reports: names of sites and ports).
    static func topology(of sites: [Site]) -> Topology {
        Topology(sites: sites.map { site in
            Topology.Site(name: site.name, ports: site.ports.map { Topology.Port(name: $0.first ?? "", capture: $0.last ?? "") })
        })
    }

    /// The topology the fabric runs on: the file's, or the default one grown to every site.
    func fabricTopology(_ given: Topology?) -> Topology {
        given ?? Timeline.topology(of: sites)
    }
}

extension Timeline.Site {
    init(_ site: Topology.Site) {
        name = site.name
        ports = site.ports.map { [$0.name, $0.capture] }
    }
}

/// A timeline's or part's JSON, keys sorted (equal values are equal bytes). Their fields are
/// numbers, strings, arrays and objects: encoding cannot fail.
func sortedJSON(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return [UInt8](try! encoder.encode(value))
}

/// A 64-bit FNV-1a digest as 16 hex digits (identity, not security).
func digestText(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// The digest of a file's bytes (the topology a timeline was made with).
public func fileDigest(path: String) -> String? {
    FileManager.default.contents(atPath: path).map { digestText([UInt8]($0)) }
}

/// A decoding error in one short clause.
func shortDecodingError(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let c): return c.debugDescription
    case DecodingError.keyNotFound(let key, let c):
        return "missing \(key.stringValue) at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
        return "unexpected value at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
    default: return "\(error)"
    }
}
