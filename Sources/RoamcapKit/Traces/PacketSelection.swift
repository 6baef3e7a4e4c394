import CaptureFile
import PacketFilter

/// Which packets a command works on: a BPF filter, a time window and a count, applied in that
/// order. Times relative to the first packet are resolved when that packet is seen.
public final class PacketSelection {
    public let filter: PacketFilter?
    public let from: TimeBound?
    public let until: TimeBound?
    /// Stop after this many selected packets.
    public let count: Int?
    private var start: Timestamp?
    private var end: Timestamp?
    private var resolved = false
    /// Packets selected so far.
    public private(set) var selected = 0

    public init(filter: PacketFilter? = nil, from: TimeBound? = nil, until: TimeBound? = nil, count: Int? = nil) {
        self.filter = filter
        self.from = from
        self.until = until
        self.count = count
    }

    /// True when nothing is filtered out.
    public var selectsEverything: Bool { filter == nil && from == nil && until == nil && count == nil }

    /// Whether every later packet is certain to be refused (the count is reached).
    public var isExhausted: Bool {
        if let count { return selected >= count }
        return false
    }

    /// Sets the reference for relative times (the first packet of the input) if not set yet.
    @inline(__always)
    public func noteFirst(_ timestamp: Timestamp) {
        if resolved { return }
        resolved = true
        start = from?.resolve(reference: timestamp)
        end = until?.resolve(reference: timestamp)
    }

    /// Whether `packet` (on an interface of `linkType`) is selected; counts it if so.
    @inline(__always)
    public func admits(_ packet: Packet, linkType: UInt16) throws(FilterError) -> Bool {
        noteFirst(packet.timestamp)
        if let count, selected >= count { return false }
        if let start, packet.timestamp < start { return false }
        if let end, !(packet.timestamp < end) { return false }
        if let filter, !(try filter.matches(packet.data, originalLength: packet.originalLength,
                                              linkType: linkType)) {
            return false
        }
        selected += 1
        return true
    }
}
