import CaptureFile
import PacketWire

/// The state of one policy's edge devices between two frames: what a shard of a sharded run
/// (SPEC §9) starts from. Tables as flat integer lists (a timeline holds one per policy and
/// shard: they must stay small); counts and losses are not part of it (each shard counts its
/// own frames; `combine` adds them).
struct EdgeFabricState: Codable, Equatable, Sendable {
    var policy: String
    /// Per entry that is not empty: station × sites + site, state, target, epoch, learned,
    /// since, lastSeen, sequence, ownSequence.
    var entries: [Int64]
    /// Per site, per ARP snooping entry: segment, IP, MAC, station, port, lastSeen, epoch.
    var snooping: [[Int64]]
    /// Per advertisement on its way: time, order, site, station, learned.
    var advertisements: [Int64]
    var scheduled: Int
    var capturedNext: Int

    static let entryWidth = 9
    static let snoopWidth = 7
    static let advertisementWidth = 5
}

extension EdgeFabric {
    /// This policy's tables as they stand (see `EdgeFabricState`).
    var state: EdgeFabricState {
        var flat: [Int64] = []
        for (i, e) in entries.enumerated() where e.state != .none || e.target != -1 || e.learned != 0 || e.lastSeen != 0 || e.epoch != 0
            || e.sequence != 0 || e.ownSequence != 0 || e.since != 0 {
            flat += [Int64(i), Int64(e.state.rawValue), Int64(e.target), Int64(e.epoch), e.learned, e.since, e.lastSeen,
                     Int64(e.sequence), Int64(e.ownSequence)]
        }
        let snoops = snooping.map { table in
            table.sorted { ($0.key.segment, $0.key.ip) < ($1.key.segment, $1.key.ip) }.flatMap { key, e in
                [Int64(key.segment), Int64(key.ip), Int64(bitPattern: e.mac.rawValue), Int64(e.station), Int64(e.port),
                 e.lastSeen, Int64(e.epoch)]
            }
        }
        let queued = advertisements.items.sorted().flatMap {
            [$0.time, Int64($0.order), Int64($0.site), Int64($0.station), $0.learned]
        }
        return EdgeFabricState(policy: policy.rawValue, entries: flat, snooping: snoops, advertisements: queued,
                               scheduled: advertisements.scheduled, capturedNext: capturedNext)
    }

    /// Puts the tables back as `state` says (from a fabric over the same ground truth and sites).
    func restore(_ state: EdgeFabricState) throws(TimelineError) {
        guard state.policy == policy.rawValue else {
            throw TimelineError("the timeline's state for policy \(state.policy) is not \(policy.rawValue)'s")
        }
        let w = EdgeFabricState.entryWidth
        guard state.entries.count % w == 0, state.snooping.count == siteCount,
              state.advertisements.count % EdgeFabricState.advertisementWidth == 0 else {
            throw TimelineError("the timeline's fabric state does not fit the topology (\(siteCount) sites)")
        }
        entries = Array(repeating: Entry(), count: entries.count)
        for k in stride(from: 0, to: state.entries.count, by: w) {
            let v = state.entries[k..<(k + w)].map { $0 }
            guard let index = Int(exactly: v[0]), index >= 0, index < entries.count,
                  let entryState = FabricEntryState(rawValue: UInt8(truncatingIfNeeded: v[1])) else {
                throw TimelineError("the timeline's fabric state names an entry outside the ground truth")
            }
            entries[index] = Entry(state: entryState, target: Int32(truncatingIfNeeded: v[2]),
                                   epoch: UInt32(truncatingIfNeeded: v[3]), learned: v[4], since: v[5], lastSeen: v[6],
                                   sequence: UInt32(truncatingIfNeeded: v[7]), ownSequence: UInt32(truncatingIfNeeded: v[8]))
        }
        let sw = EdgeFabricState.snoopWidth
        for site in 0..<siteCount {
            let list = state.snooping[site]
            guard list.count % sw == 0 else { throw TimelineError("the timeline's snooping table is malformed") }
            var table: [SnoopKey: SnoopEntry] = [:]
            for k in stride(from: 0, to: list.count, by: sw) {
                let key = SnoopKey(segment: UInt32(truncatingIfNeeded: list[k]), ip: UInt32(truncatingIfNeeded: list[k + 1]))
                table[key] = SnoopEntry(mac: MACAddress(rawValue: UInt64(bitPattern: list[k + 2])),
                                        station: Int32(truncatingIfNeeded: list[k + 3]),
                                        port: Int32(truncatingIfNeeded: list[k + 4]), lastSeen: list[k + 5],
                                        epoch: UInt32(truncatingIfNeeded: list[k + 6]))
            }
            snooping[site] = table
        }
        let aw = EdgeFabricState.advertisementWidth
        let items = stride(from: 0, to: state.advertisements.count, by: aw).map { k in
            AdvertisementQueue.Item(time: state.advertisements[k], order: Int(state.advertisements[k + 1]),
                                    site: Int32(truncatingIfNeeded: state.advertisements[k + 2]),
                                    station: Int32(truncatingIfNeeded: state.advertisements[k + 3]),
                                    learned: state.advertisements[k + 4])
        }
        advertisements = AdvertisementQueue(items: items, scheduled: state.scheduled)
        capturedNext = state.capturedNext
    }
}
