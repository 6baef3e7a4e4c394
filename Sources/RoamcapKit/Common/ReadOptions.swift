import CaptureFile
import PacketWire

/// How a run reads its inputs: what an unreadable record does, and which UDP ports carry VXLAN.
/// The command line makes one from its options and passes it to every job that reads packets,
/// which gives it to each reader and decoder it makes.
public struct ReadOptions: Sendable, Equatable {
    /// Skip unreadable records, counted with the first error of each input, instead of failing
    /// (`--keep-going`).
    public var keepGoing: Bool
    /// Without `keepGoing`, end an input at its first unreadable record instead of throwing, so
    /// that what was read before it can be reported first (then the error, exit 2), as tshark
    /// prints the frames before an error: `tables`, `flows` and `simulate` do.
    public var endsAtFirstError: Bool
    /// The UDP destination ports recognised as VXLAN (SPEC §4; `--vxlan-port`, default 4789).
    public var vxlanPorts: [UInt16]

    public init(keepGoing: Bool = false, endsAtFirstError: Bool = false,
                vxlanPorts: [UInt16] = [VXLANPacket.udpPort]) {
        self.keepGoing = keepGoing
        self.endsAtFirstError = endsAtFirstError
        self.vxlanPorts = vxlanPorts
    }
}

extension CaptureReader {
    /// Opens `path` (`-` for standard input) to be read as `reading` says.
    /// With `resume`, goes on from a record boundary (`CaptureResumePoint`, SPEC §9's shards).
    convenience init(path: String, reading: ReadOptions, resume: CaptureResumePoint? = nil) throws(CaptureError) {
        try self.init(path: path, resume: resume)
        keepGoing = reading.keepGoing
        endsAtFirstError = reading.endsAtFirstError
    }
}

extension PacketDecoder {
    /// A decoder for a link type recognising VXLAN on the ports of `reading`.
    init(linkType: LinkType, reading: ReadOptions) {
        self.init(linkType: linkType, vxlanPorts: reading.vxlanPorts)
    }
}
