import CaptureFile

/// The earliest packet time of the inputs (each shifted by its clock offset, in ns): the one
/// reference of every time a run takes "in seconds after the first packet" (SPEC §1, §4, §5).
///
/// Inputs are often out of order across taps and sometimes within a file, so this is the
/// minimum over every packet, found by reading the inputs once. Nil when there is no packet at
/// all, or when an input is standard input (it cannot be read twice: the caller then takes the
/// first packet it reads). Packets without a timestamp (pcapng simple packet blocks) are passed over.
public func earliestPacketTime(_ inputs: [String], offsets: [Int64] = []) throws(CaptureError) -> Timestamp? {
    if inputs.contains("-") { return nil }
    var earliest: Timestamp?
    for (i, path) in inputs.enumerated() {
        let offset = i < offsets.count ? offsets[i] : 0
        let reader = try CaptureReader(path: path)
        reader.keepGoing = true
        while let packet = try reader.nextPacket() {
            guard packet.hasTimestamp else { continue }
            let time = offset == 0 ? packet.timestamp : packet.timestamp.adding(nanoseconds: offset)
            if earliest == nil || time < earliest! { earliest = time }
        }
    }
    return earliest
}

/// The reference of a run's relative times: the earliest packet when a relative time needs it,
/// else (or for standard input) `first`, the first packet of the merged inputs.
func timeReference(inputs: [String], needed: Bool, first: Timestamp?) throws(CaptureError) -> Timestamp? {
    guard needed else { return first }
    return try earliestPacketTime(inputs) ?? first
}

extension TimeBound {
    var isRelative: Bool {
        if case .relative = self { return true }
        return false
    }
}
