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

    init(inputs: [String], topology: Topology?, reading: ReadOptions, offsets: [Int64] = [],
         onRecord: ((Int, CaptureRecord) throws(CaptureError) -> Void)? = nil) throws(CaptureError) {
        self.offsets = offsets
        self.onRecord = onRecord
        self.reading = reading
        readers = try inputs.map { (path) throws(CaptureError) -> CaptureReader in try CaptureReader(path: path, reading: reading) }
        portMap = CapturePortMap(topology: topology, files: inputs)
        decoders = Array(repeating: [], count: readers.count)
        lastTimes = Array(repeating: nil, count: readers.count)
        for i in readers.indices {
            let packet = try advance(i)
            pending.append(packet)
            if let packet { order.insert(PendingPacket(time: packet.timestamp, input: i)) }
        }
        firstTime = order.min?.time
    }

    /// Reads input `i` up to its next packet, registering interfaces on the way.
    private func advance(_ i: Int) throws(CaptureError) -> Packet? {
        let reader = readers[i]
        while let record = try reader.next() {
            switch record {
            case .packet(var packet):
                if i < offsets.count, offsets[i] != 0 { packet.timestamp = packet.timestamp.adding(nanoseconds: offsets[i]) }
                return packet
            case .interface(let interface):
                portMap.register(file: i, index: reader.interfaces.count - 1, interface: interface)
                decoders[i].append(PacketDecoder(linkType: LinkType(rawValue: interface.linkType), reading: reading))
                interfaceCount += 1
                try onRecord?(i, record)
            case .section, .other:
                try onRecord?(i, record)
            }
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
