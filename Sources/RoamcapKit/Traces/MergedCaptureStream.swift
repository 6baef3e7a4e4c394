import CaptureFile
import HeapModule
import PacketWire

/// The inputs merged in time order (ties: input order, then file order), each shifted by its
/// clock offset, each capture interface mapped to a topology port (the default topology grows a
/// site per new interface). `tables`, `flows`, `merge` and each pass of `simulate` read their
/// inputs through it; `onRecord` sees every record that is not a packet (interfaces, sections,
/// other blocks) as it is read, for a command that copies them.
final class MergedCaptureStream {
    let readers: [CaptureReader]
    let portMap: CapturePortMap
    private(set) var decoders: [[PacketDecoder]]
    private var pending: [Packet?] = []
    /// The inputs with a pending packet, earliest first (ties: input order).
    private var order = Heap<PendingPacket>()
    private var lastTimes: [Timestamp?]
    /// The reader whose packet was returned last: advanced at the next call (its bytes stay valid until then).
    private var returned = -1
    /// Packets returned so far (the number of the last one).
    private(set) var number = 0
    private(set) var outOfOrder = 0
    /// Capture interfaces registered so far (the port map changes when this does).
    private(set) var interfaceCount = 0
    /// The earliest timestamp of the input.
    private(set) var firstTime: Timestamp?

    /// Added to every timestamp of input i (ns), when not empty.
    let offsets: [Int64]
    /// How the inputs are read and their packets decoded.
    let reading: ReadOptions
    private let onRecord: ((Int, CaptureRecord) throws(CaptureError) -> Void)?
    /// With `tracksPositions`: per input, its reader's mark before its pending packet, and the
    /// capture interfaces in the order registered (for `position()`).
    private var headMarks: [CaptureResumeMark] = []
    private var registrations: [StreamPosition.Interface] = []
    private let tracksPositions: Bool
    /// While a resumed stream reads its inputs' header blocks: the interfaces met, registered in
    /// the order of the position once every input has been opened.
    private var deferredRegistrations: [StreamPosition.Interface]?

    /// Opens `inputs` at their start or, with `resuming`, where a stream over the same inputs
    /// stood (`position()`): the same frames follow, numbered on from there, through the same
    /// port map. `tracksPositions` makes `position()` available (a few stores per packet).
    init(inputs: [String], topology: Topology?, reading: ReadOptions, offsets: [Int64] = [],
         resuming: StreamPosition? = nil, tracksPositions: Bool = false,
         onRecord: ((Int, CaptureRecord) throws(CaptureError) -> Void)? = nil) throws(CaptureError) {
        self.offsets = offsets
        self.onRecord = onRecord
        self.reading = reading
        self.tracksPositions = tracksPositions
        if let resuming, resuming.inputs.count != inputs.count {
            throw CaptureError(.unsupported, file: inputs.first ?? "-",
                               "resume position is for \(resuming.inputs.count) inputs, not \(inputs.count)")
        }
        readers = try inputs.enumerated().map { (i, path) throws(CaptureError) -> CaptureReader in
            try CaptureReader(path: path, reading: reading, resume: resuming?.inputs[i])
        }
        portMap = CapturePortMap(topology: topology, files: inputs)
        decoders = Array(repeating: [], count: readers.count)
        lastTimes = resuming?.lastTimes ?? Array(repeating: nil, count: readers.count)
        number = resuming?.frames ?? 0
        if tracksPositions { headMarks = readers.map(\.resumeMark) }
        if resuming != nil { deferredRegistrations = [] }
        for i in readers.indices {
            let packet = try advance(i)
            pending.append(packet)
            if let packet { order.insert(PendingPacket(time: packet.timestamp, input: i)) }
        }
        if let resuming, let met = deferredRegistrations {
            deferredRegistrations = nil
            let known = Set(met)
            for r in resuming.registrations where known.contains(r) { register(r) }
            let replayed = Set(resuming.registrations)
            for r in met where !replayed.contains(r) { register(r) }
        }
        firstTime = resuming?.firstTime ?? order.min?.time
    }

    private func register(_ r: StreamPosition.Interface) {
        portMap.register(file: r.file, index: r.index, interface: readers[r.file].interfaces[r.index])
        if tracksPositions { registrations.append(r) }
    }

    /// The time of the next frame (nil at the end); the frame returned last is no longer valid.
    func nextTime() throws(CaptureError) -> Timestamp? {
        if returned >= 0 {
            let packet = try advance(returned)
            pending[returned] = packet
            if let packet { order.insert(PendingPacket(time: packet.timestamp, input: returned)) }
            returned = -1
        }
        return order.min?.time
    }

    /// Where the stream stands, between the frame returned last and the next one.
    func position() -> StreamPosition {
        precondition(tracksPositions, "position() needs tracksPositions")
        let points = readers.indices.map { i in
            i == returned || pending[i] == nil ? readers[i].resumePoint : readers[i].resumePoint(from: headMarks[i])
        }
        return StreamPosition(frames: number, inputs: points, lastTimes: lastTimes, registrations: registrations,
                              firstTime: firstTime)
    }

    /// Reads input `i` up to its next packet, registering interfaces on the way.
    private func advance(_ i: Int) throws(CaptureError) -> Packet? {
        let reader = readers[i]
        var mark = tracksPositions ? reader.resumeMark : nil
        while let record = try reader.next() {
            switch record {
            case .packet(var packet):
                if i < offsets.count, offsets[i] != 0 { packet.timestamp = packet.timestamp.adding(nanoseconds: offsets[i]) }
                if let mark { headMarks[i] = mark }
                return packet
            case .interface(let interface):
                let r = StreamPosition.Interface(file: i, index: reader.interfaces.count - 1)
                if deferredRegistrations != nil {
                    deferredRegistrations!.append(r)
                } else {
                    portMap.register(file: i, index: r.index, interface: interface)
                    if tracksPositions { registrations.append(r) }
                }
                decoders[i].append(PacketDecoder(linkType: LinkType(rawValue: interface.linkType), reading: reading))
                interfaceCount += 1
                try onRecord?(i, record)
            case .section, .other:
                try onRecord?(i, record)
            }
            if tracksPositions { mark = reader.resumeMark }
        }
        return nil
    }

    /// The next packet in time order with the input it came from; valid until the next call.
    @inline(__always)
    func next() throws(CaptureError) -> (packet: Packet, file: Int)? {
        if returned >= 0 {
            let packet = try advance(returned)
            pending[returned] = packet
            if let packet { order.insert(PendingPacket(time: packet.timestamp, input: returned)) }
            returned = -1
        }
        guard let best = order.popMin()?.input, let packet = pending[best] else { return nil }
        number += 1
        if let last = lastTimes[best], packet.timestamp < last { outOfOrder += 1 }
        lastTimes[best] = packet.timestamp
        returned = best
        return (packet, best)
    }

    /// Unreadable records skipped (with `reading.keepGoing`) over every input, and the first error of each.
    var skippedRecords: Int { readers.reduce(0) { $0 + $1.skippedRecords } }
    var skippedErrors: [CaptureError] { readers.compactMap(\.firstSkippedError) }

    /// Bytes read so far and the total when every input's size is known.
    var progress: (read: UInt64, total: UInt64?) {
        let read = readers.reduce(UInt64(0)) { $0 + $1.progress.read }
        let totals = readers.map(\.progress.total)
        let total: UInt64? = totals.contains(where: { $0 == nil }) ? nil : totals.reduce(0) { $0 + $1! }
        return (read, total)
    }
}

/// An input's next packet in the merge: earliest first, ties in input order.
private struct PendingPacket: Comparable {
    var time: Timestamp
    var input: Int

    static func < (a: PendingPacket, b: PendingPacket) -> Bool {
        a.time != b.time ? a.time < b.time : a.input < b.input
    }
}

/// Where a `MergedCaptureStream` stood between two frames: enough for another process to go
/// on from there (SPEC §9's shards), reading only what follows.
struct StreamPosition: Sendable, Equatable, Codable {
    struct Interface: Hashable, Sendable, Codable {
        var file: Int
        var index: Int
    }

    /// Frames returned before.
    var frames: Int
    /// Per input, the point before the first record not yet returned.
    var inputs: [CaptureResumePoint]
    /// Per input, the time of its last frame returned (to count frames out of order).
    var lastTimes: [Timestamp?]
    /// Capture interfaces in the order they were registered in the port map.
    var registrations: [Interface]
    /// The earliest timestamp of the whole input (the stream's `firstTime`).
    var firstTime: Timestamp?
}
