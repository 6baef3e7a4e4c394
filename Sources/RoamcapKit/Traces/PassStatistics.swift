import CaptureFile

/// What a pass over the inputs counted, the same for every command that reads packets: every
/// command's result embeds one, and `warnings` is the one place that turns it into the lines
/// the command line prints.
public struct PassStatistics: Sendable {
    /// Packets read from the inputs.
    public var packetsRead = 0
    /// Packets on capture interfaces no port of the topology claims.
    public var packetsUnclaimed = 0
    /// Capture interfaces no port claims, as `file: interface`.
    public var unclaimed: [String] = []
    /// Packets that are not Ethernet frames (no MAC addresses), where the job needs MACs.
    public var notEthernet = 0
    /// Packets whose timestamp is earlier than one before them in the same file.
    public var outOfOrder = 0
    /// Unreadable records skipped, and the first error of each input that had one (without
    /// `--keep-going` that error ended the input: what was read before it is reported).
    public var skippedRecords = 0
    public var skippedErrors: [CaptureError] = []

    public init(packetsRead: Int = 0, skippedRecords: Int = 0, skippedErrors: [CaptureError] = []) {
        self.packetsRead = packetsRead
        self.skippedRecords = skippedRecords
        self.skippedErrors = skippedErrors
    }

    /// The error that ended an input (without `--keep-going`), reported after what was read.
    public func endingError(keepGoing: Bool) -> CaptureError? {
        keepGoing ? nil : skippedErrors.first
    }

    /// The warnings, one line each (without the `roamcap: warning: ` prefix): `unclaimedPackets`
    /// says what the command did with the packets of an unclaimed interface ("are ignored"),
    /// `notes` are the command's own warnings, said after the interfaces, and `input` prefixes
    /// the skipped records of one input's run.
    public func warnings(unclaimedPackets: String = "are ignored", notes: [String] = [], input: String? = nil) -> [String] {
        var lines = unclaimed.map { "capture interface \($0) is claimed by no port of the topology; its packets \(unclaimedPackets)" }
        lines += notes
        if notEthernet > 0 {
            lines.append("\(notEthernet) packets are not Ethernet frames (no MAC addresses); they were not simulated")
        }
        if outOfOrder > 0 {
            lines.append("\(outOfOrder) packets are earlier than a packet before them in their file; they were processed in file order")
        }
        if skippedRecords > 0 {
            let first = skippedErrors.first.map { " (first: \($0))" } ?? ""
            lines.append((input.map { "\($0): " } ?? "") + "skipped \(skippedRecords) unreadable records\(first)")
        }
        return lines
    }
}

extension MergedCaptureStream {
    /// What the stream itself counted (the caller counts the packets it read and what it did with them).
    func record(into statistics: inout PassStatistics) {
        statistics.outOfOrder = outOfOrder
        statistics.unclaimed = portMap.unclaimed
        statistics.skippedRecords = skippedRecords
        statistics.skippedErrors = skippedErrors
    }
}
