import CaptureFile
import HeapModule
import PacketWire

/// Frames counted per outcome under one policy.
public struct FabricCounts: Sendable, Equatable, Codable {
    /// Judged unicast frames: delivered + misdelivered + dropped + inTransit.
    public var frames = 0
    public var delivered = 0
    public var misdelivered = 0
    public var staleLocal = 0
    public var staleRemote = 0
    public var floodAtCore = 0
    public var unknownDrop = 0
    public var inTransit = 0
    public var excessCopies = 0

    public init() {}

    public var dropped: Int { staleLocal + staleRemote + floodAtCore + unknownDrop }

    /// Adds another count of the same policy (another shard's frames).
    mutating func add(_ other: FabricCounts) {
        frames += other.frames
        delivered += other.delivered
        misdelivered += other.misdelivered
        staleLocal += other.staleLocal
        staleRemote += other.staleRemote
        floodAtCore += other.floodAtCore
        unknownDrop += other.unknownDrop
        inTransit += other.inTransit
        excessCopies += other.excessCopies
    }

    public func dropped(_ cause: DropCause) -> Int {
        switch cause {
        case .staleLocal: return staleLocal
        case .staleRemote: return staleRemote
        case .floodAtCore: return floodAtCore
        case .unknownDrop: return unknownDrop
        }
    }
}

/// Frames lost to one migration under one policy.
public struct MigrationLoss: Sendable, Equatable {
    /// Frames to the station dropped or misdelivered from the migration until its next one.
    public var lostFrames = 0
    /// The last of them, in ns after the first packet.
    public var lastLost: Int64 = 0
    /// ns from the migration to the last lost frame (0 if none).
    public var outage: Int64 = 0

    public init() {}
}

/// The edge devices of every site under one policy: MAC tables, ARP snooping and suppression
/// tables, the advertisements on their way, and the counts.
///
/// Tables are flat arrays indexed by station (from the ground truth) and site, so a frame costs a
/// few array accesses and no allocation; only ARP touches a dictionary.
final class EdgeFabric {
    struct Entry {
        var state = FabricEntryState.none
        /// Port (`local`) or site (`remote`).
        var target: Int32 = -1
        /// Bumped whenever a live `local` entry is replaced by `remote` or `flood`: snooping
        /// entries made under an older epoch are gone.
        var epoch: UInt32 = 0
        /// When the MAC was learned where the entry points (local: created, overriding or moving
        /// port; remote: the advertisement's learned time).
        var learned: Int64 = 0
        /// When the entry got its current state (for annotations).
        var since: Int64 = 0
        /// The last frame that refreshed a local entry.
        var lastSeen: Int64 = 0
        /// Captured control plane (SPEC §8): a `remote` entry's MAC Mobility sequence number…
        var sequence: UInt32 = 0
        /// …and the highest its own site was captured advertising for the MAC (0 when none).
        var ownSequence: UInt32 = 0
    }

    struct SnoopKey: Hashable {
        var segment: UInt32
        var ip: UInt32
    }

    struct SnoopEntry {
        var mac: MACAddress
        var station: Int32
        var port: Int32
        var lastSeen: Int64
        var epoch: UInt32
    }

    struct SuppressionEntry {
        var mac: MACAddress
        var site: Int32
        var time: Int64
    }

    /// What forwarding one unicast frame did.
    struct Forwarding {
        var left = 0
        var coreCopies = 0
        var excess = 0
        var delivered = false
        var deliveredEntry: FabricEntryView?
        var firstEgress: Topology.PortID?
        var wrongEntry: FabricEntryView?
        var ingressCause: DropCause?
        var ingressEntry: FabricEntryView?
        var locationCause: DropCause?
        var locationEntry: FabricEntryView?
        var firstCause: DropCause?
        var firstEntry: FabricEntryView?
    }

    let policy: FabricPolicy
    let policyIndex: Int
    let siteCount: Int
    let portCounts: [Int]
    let delay: [Int64]
    let aging: [Int64]
    let unknownFlood: Bool
    let truth: FabricGroundTruth
    var entries: [Entry]
    var snooping: [[SnoopKey: SnoopEntry]]
    var suppression: [[SnoopKey: SuppressionEntry]]
    var advertisements = AdvertisementQueue()
    /// Under `captured`: the advertisements of the capture, and the next one to apply.
    var captured: [CapturedSchedule.Item] = []
    var capturedNext = 0
    var counts = FabricCounts()
    var losses: [MigrationLoss]
    /// The copies of the last frame, when `recordCopies` is set (for the forwarded trace).
    var copies: [FabricCopy] = []
    /// Whether the frames processed now are counted (SPEC §5: a display filter selects what is
    /// reported; the fabric still forwards every frame).
    var counting = true
    var recordCopies = false
    /// Only keep the tables up to date, judging nothing (a sharded run's timeline, SPEC §9):
    /// unicast frames other than ARP are not forwarded, as forwarding them changes no table.
    var stateOnly = false

    init(policy: FabricPolicy, index: Int, topology: Topology, settings: FabricSettings, truth: FabricGroundTruth) {
        self.policy = policy
        policyIndex = index
        siteCount = topology.sites.count
        portCounts = topology.sites.map(\.ports.count)
        delay = topology.sites.indices.map { s in
            if policy == .ideal { return 0 }
            if let d = settings.siteAdvertiseDelays[topology.sites[s].name] { return d }
            return settings.advertiseDelay ?? topology.advertiseDelay(site: s)
        }
        aging = topology.sites.indices.map { settings.aging ?? topology.aging(site: $0) }
        unknownFlood = (settings.unknownUnicast ?? topology.controlPlane.unknownUnicast) == .flood
        self.truth = truth
        entries = Array(repeating: Entry(), count: truth.stationCount * siteCount)
        snooping = Array(repeating: [:], count: siteCount)
        suppression = Array(repeating: [:], count: siteCount)
        losses = Array(repeating: MigrationLoss(), count: truth.migrations.count)
    }

    // MARK: Tables

    /// Whether a stored entry is a local one that has not aged out at `time`.
    @inline(__always)
    private func isLiveLocal(_ e: Entry, site: Int, at time: Int64) -> Bool {
        e.state == .local && time &- e.lastSeen < aging[site]
    }

    /// The entry of station `s` at `site` as it stands at `time` (aged local entries are gone).
    @inline(__always)
    func entry(_ s: Int32, site: Int, at time: Int64) -> Entry {
        guard s >= 0 else { return Entry() }
        var e = entries[Int(s) &* siteCount &+ site]
        if e.state == .local && !isLiveLocal(e, site: site, at: time) { e.state = .none }
        return e
    }

    @inline(__always)
    private func view(_ e: Entry, site: Int) -> FabricEntryView {
        FabricEntryView(site: Int32(site), state: e.state, target: e.target, since: e.since)
    }

    /// Step 1: applies every advertisement due at or before `time`, in time order.
    @inline(__always)
    func applyAdvertisements(upTo time: Int64) {
        if policy == .captured {
            while capturedNext < captured.count, captured[capturedNext].time <= time {
                applyCaptured(captured[capturedNext])
                capturedNext += 1
            }
            return
        }
        while let top = advertisements.peek, top.time <= time {
            advertisements.pop()
            let base = Int(top.station) &* siteCount
            for r in 0..<siteCount where r != Int(top.site) {
                var e = entries[base &+ r]
                let live = isLiveLocal(e, site: r, at: top.time)
                // The newest location wins; a flood entry is always replaced.
                if (live || e.state == .remote) && e.learned > top.learned { continue }
                if live { e.epoch &+= 1 }
                e.state = .remote
                e.target = top.site
                e.learned = top.learned
                e.since = top.time
                entries[base &+ r] = e
            }
        }
    }

    /// Step 1 with the captured control plane (SPEC §8, RFC 7432 §15): an advertisement from S
    /// with sequence number q replaces, at every other edge device, a `flood` entry, a missing
    /// one, a `remote` entry with a lower sequence number (or an equal one from another site),
    /// and a live `local` entry whose own sequence number is lower than q; a withdrawal from S
    /// removes the `remote(S)` entries.
    private func applyCaptured(_ item: CapturedSchedule.Item) {
        let base = Int(item.station) &* siteCount
        let s = Int(item.site)
        if !item.withdraw {
            entries[base &+ s].ownSequence = max(entries[base &+ s].ownSequence, item.sequence)
        }
        for r in 0..<siteCount where r != s {
            var e = entries[base &+ r]
            if item.withdraw {
                if e.state == .remote && e.target == item.site {
                    e.state = .none
                    e.target = -1
                    e.since = item.time
                    entries[base &+ r] = e
                }
                continue
            }
            let live = isLiveLocal(e, site: r, at: item.time)
            let replaces: Bool
            if live {
                replaces = e.ownSequence < item.sequence
            } else if e.state == .remote {
                replaces = e.sequence < item.sequence || (e.sequence == item.sequence && e.target != item.site)
            } else {
                replaces = true  // flood, missing, or a local entry aged out
            }
            guard replaces else { continue }
            if live { e.epoch &+= 1 }
            e.state = .remote
            e.target = item.site
            e.sequence = item.sequence
            e.learned = item.time
            e.since = item.time
            entries[base &+ r] = e
        }
    }

    /// Step 2: learns the source at the ingress port; true when the entry overrode `remote`/`flood`.
    @inline(__always)
    func learn(_ s: Int32, ingress: Topology.PortID, at time: Int64) -> Bool {
        let site = Int(ingress.site)
        let i = Int(s) &* siteCount &+ site
        var e = entries[i]
        if isLiveLocal(e, site: site, at: time) {
            if e.target != ingress.port {
                e.target = ingress.port
                e.learned = time
                e.since = time
            }
            e.lastSeen = time
            entries[i] = e
            return false
        }
        let override = e.state == .remote || e.state == .flood
        e.state = .local
        e.target = ingress.port
        e.learned = time
        e.since = time
        e.lastSeen = time
        entries[i] = e
        if policy != .captured {
            advertisements.push(time: time &+ delay[site], site: ingress.site, station: s, learned: time)
        }
        return override
    }

    /// Replaces the entry of station `s` at `site` with `flood`.
    @inline(__always)
    func installFlood(_ s: Int32, site: Int, at time: Int64) {
        let i = Int(s) &* siteCount &+ site
        var e = entries[i]
        if isLiveLocal(e, site: site, at: time) { e.epoch &+= 1 }
        e.state = .flood
        e.target = -1
        e.since = time
        entries[i] = e
    }

    /// Step 2 (ARP snooping at the ingress edge device).
    @inline(__always)
    func snoop(_ frame: FabricFrame, station: Int32, ingress: Topology.PortID, at time: Int64) {
        let site = Int(ingress.site)
        let epoch = station >= 0 ? entries[Int(station) &* siteCount &+ site].epoch : 0
        snooping[site][SnoopKey(segment: frame.segment.rawValue, ip: frame.senderIP)] =
            SnoopEntry(mac: frame.senderMAC, station: station, port: ingress.port, lastSeen: time, epoch: epoch)
    }

    /// Whether `site` holds a live snooping entry equal to the ARP's (VLAN, sender IP, sender MAC).
    @inline(__always)
    func snoopingMatches(_ frame: FabricFrame, site: Int, at time: Int64) -> Int32? {
        guard let e = snooping[site][SnoopKey(segment: frame.segment.rawValue, ip: frame.senderIP)],
              e.mac == frame.senderMAC, e.station >= 0, time &- e.lastSeen < aging[site],
              e.epoch == entries[Int(e.station) &* siteCount &+ site].epoch else { return nil }
        return e.station
    }

    @inline(__always)
    func suppress(_ frame: FabricFrame, site: Int, from origin: Int32, at time: Int64) {
        suppression[site][SnoopKey(segment: frame.segment.rawValue, ip: frame.senderIP)] =
            SuppressionEntry(mac: frame.senderMAC, site: origin, time: time)
    }

    // MARK: Frames

    /// Steps 1–4 of SPEC §2 for one frame entering at `ingress`. For a unicast frame, fills
    /// `judgment` and returns true.
    @inline(__always)
    func process(_ frame: FabricFrame, source: Int32, destination: Int32, truth dt: DestinationTruth,
                 ingress: Topology.PortID, at time: Int64, judgment: inout FrameJudgment) -> Bool {
        if recordCopies { copies.removeAll(keepingCapacity: true) }
        applyAdvertisements(upTo: time)
        let site = Int(ingress.site)
        var override = false
        if source >= 0 { override = learn(source, ingress: ingress, at: time) }
        var senderStation: Int32 = -1
        if frame.isARP {
            senderStation = frame.senderMAC == frame.source ? source
                : (truth.station(StationKey(segment: frame.segment, mac: frame.senderMAC)) ?? -1)
            snoop(frame, station: senderStation, ingress: ingress, at: time)
        }
        // Step 3: policy reactions.
        if policy == .flood && override {
            for r in 0..<siteCount where r != site { installFlood(source, site: r, at: time) }
        }
        guard frame.isUnicast else {
            if frame.isARP {
                for r in 0..<siteCount where r != site {
                    suppress(frame, site: r, from: ingress.site, at: time)
                    if policy == .floodConfirmed, let s = snoopingMatches(frame, site: r, at: time) {
                        installFlood(s, site: r, at: time)
                    }
                }
            }
            if recordCopies { recordBroadcast(ingress) }
            return false
        }
        if stateOnly && !frame.isARP { return false }
        // Step 4: forward and judge.
        let f = forward(frame, destination: destination, truth: dt, ingress: ingress, at: time)
        judgment.policy = policy
        judgment.policyIndex = policyIndex
        judgment.egress = f.firstEgress
        judgment.egressCount = f.left
        judgment.coreCopies = f.coreCopies
        judgment.excessCopies = f.excess
        judgment.location = dt.location
        judgment.nextLocation = dt.nextLocation
        judgment.migration = dt.migration >= 0 ? Int(dt.migration) : nil
        judgment.cause = nil
        judgment.entry = nil
        let dropCause = f.ingressCause ?? f.locationCause ?? f.firstCause ?? .unknownDrop
        let dropEntry = f.ingressCause != nil ? f.ingressEntry : (f.locationCause != nil ? f.locationEntry : f.firstEntry)
        if dt.inTransit {
            judgment.outcome = .inTransit
            if f.left == 0 {
                judgment.cause = dropCause
                judgment.entry = dropEntry
            }
        } else if dt.location == ingress || (dt.location == nil && f.left > 0) || f.delivered {
            judgment.outcome = .delivered
            judgment.entry = f.deliveredEntry
        } else if f.left > 0 {
            judgment.outcome = .misdelivered
            judgment.entry = f.wrongEntry
        } else {
            judgment.outcome = .dropped
            judgment.cause = dropCause
            judgment.entry = dropEntry
        }
        if counting { count(judgment, excess: f.excess, at: time) }
        return true
    }

    @inline(__always)
    private func count(_ j: FrameJudgment, excess: Int, at time: Int64) {
        counts.frames += 1
        counts.excessCopies += excess
        switch j.outcome {
        case .delivered: counts.delivered += 1
        case .inTransit: counts.inTransit += 1
        case .misdelivered: counts.misdelivered += 1
        case .dropped:
            switch j.cause ?? .unknownDrop {
            case .staleLocal: counts.staleLocal += 1
            case .staleRemote: counts.staleRemote += 1
            case .floodAtCore: counts.floodAtCore += 1
            case .unknownDrop: counts.unknownDrop += 1
            }
        }
        if (j.outcome == .dropped || j.outcome == .misdelivered), let m = j.migration {
            losses[m].lostFrames += 1
            if losses[m].lostFrames == 1 || losses[m].lastLost < time { losses[m].lastLost = time }
            losses[m].outage = losses[m].lastLost &- truth.migrations[m].offset
        }
    }

    /// Forwards a unicast frame by the ingress edge device's entry for its destination.
    @inline(__always)
    private func forward(_ frame: FabricFrame, destination d: Int32, truth dt: DestinationTruth,
                         ingress: Topology.PortID, at time: Int64) -> Forwarding {
        var f = Forwarding()
        let site = Int(ingress.site)
        let locationSite = dt.location.map { Int($0.site) } ?? -1
        let e = entry(d, site: site, at: time)

        func leave(_ place: Topology.PortID, _ entry: FabricEntryView?) {
            f.left += 1
            if f.firstEgress == nil { f.firstEgress = place }
            if place == dt.location {
                if !f.delivered { f.deliveredEntry = entry }
                f.delivered = true
            } else if f.wrongEntry == nil {
                f.wrongEntry = entry
            }
            if recordCopies {
                copies.append(FabricCopy(kind: .access, site: place.site, port: place.port, peer: -1, discarded: false,
                                         excess: false, entry: entry))
            }
        }

        /// One copy over the core to `r`, delivered only to the port of a local entry there.
        func core(to r: Int, flooded: Bool) {
            f.coreCopies += 1
            let excess = flooded && r != locationSite
            if excess { f.excess += 1 }
            if frame.isARP { suppress(frame, site: r, from: ingress.site, at: time) }
            let er = entry(d, site: r, at: time)
            let v = view(er, site: r)
            if recordCopies {
                copies.append(FabricCopy(kind: .core, site: ingress.site, port: -1, peer: Int32(r),
                                         discarded: er.state != .local, excess: excess, entry: v))
            }
            if er.state == .local {
                leave(Topology.PortID(site: r, port: Int(er.target)), v)
                return
            }
            let cause: DropCause = er.state == .flood ? .floodAtCore : .staleRemote
            if r == locationSite {
                f.locationCause = cause
                f.locationEntry = v
            }
            if f.firstCause == nil {
                f.firstCause = cause
                f.firstEntry = v
            }
        }

        func dropAtIngress(_ cause: DropCause, _ v: FabricEntryView) {
            f.ingressCause = cause
            f.ingressEntry = v
            if recordCopies {
                copies.append(FabricCopy(kind: .ingressDrop, site: ingress.site, port: ingress.port, peer: -1,
                                         discarded: true, excess: false, entry: v))
            }
        }

        switch e.state {
        case .local:
            if e.target == ingress.port {
                dropAtIngress(.staleLocal, view(e, site: site))
            } else {
                leave(Topology.PortID(site: site, port: Int(e.target)), view(e, site: site))
            }
        case .remote:
            core(to: Int(e.target), flooded: false)
        case .flood:
            for r in 0..<siteCount where r != site { core(to: r, flooded: true) }
        case .none:
            guard unknownFlood else {
                dropAtIngress(.unknownDrop, view(e, site: site))
                break
            }
            // Unknown unicast reaches every access port of every site, like a broadcast.
            for q in 0..<portCounts[site] where q != Int(ingress.port) {
                leave(Topology.PortID(site: site, port: q), nil)
            }
            for r in 0..<siteCount where r != site {
                f.coreCopies += 1
                let excess = r != locationSite
                if excess { f.excess += 1 }
                if frame.isARP { suppress(frame, site: r, from: ingress.site, at: time) }
                if recordCopies {
                    copies.append(FabricCopy(kind: .core, site: ingress.site, port: -1, peer: Int32(r), discarded: false,
                                             excess: excess, entry: nil))
                }
                for q in 0..<portCounts[r] { leave(Topology.PortID(site: r, port: q), nil) }
            }
        }
        return f
    }

    /// The copies of a broadcast or multicast frame: every access port but the ingress one, and
    /// one core copy to every other site.
    private func recordBroadcast(_ ingress: Topology.PortID) {
        for q in 0..<portCounts[Int(ingress.site)] where q != Int(ingress.port) {
            copies.append(FabricCopy(kind: .access, site: ingress.site, port: Int32(q), peer: -1, discarded: false,
                                     excess: false, entry: nil))
        }
        for r in 0..<siteCount where r != Int(ingress.site) {
            copies.append(FabricCopy(kind: .core, site: ingress.site, port: -1, peer: Int32(r), discarded: false,
                                     excess: false, entry: nil))
            for q in 0..<portCounts[r] {
                copies.append(FabricCopy(kind: .access, site: Int32(r), port: Int32(q), peer: -1, discarded: false,
                                         excess: false, entry: nil))
            }
        }
    }
}

/// Advertisements on their way, earliest first (ties: in the order scheduled).
struct AdvertisementQueue {
    struct Item: Comparable {
        var time: Int64
        var order: Int
        var site: Int32
        var station: Int32
        var learned: Int64

        static func < (a: Item, b: Item) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }
        static func == (a: Item, b: Item) -> Bool { a.time == b.time && a.order == b.order }
    }

    private var heap = Heap<Item>()
    private(set) var scheduled = 0

    init() {}

    /// A queue holding `items` (in any order), the next scheduled one numbered `scheduled`.
    init(items: [Item], scheduled: Int) {
        heap = Heap(items)
        self.scheduled = scheduled
    }

    var peek: Item? { heap.min }
    var count: Int { heap.count }
    /// Every advertisement on its way, in no particular order.
    var items: [Item] { Array(heap.unordered) }

    mutating func push(time: Int64, site: Int32, station: Int32, learned: Int64) {
        heap.insert(Item(time: time, order: scheduled, site: site, station: station, learned: learned))
        scheduled += 1
    }

    mutating func pop() { _ = heap.popMin() }
}
