import CaptureFile
import PacketFilter

/// Which packets a command works on, as a value: a BPF filter, a time window and a count,
/// applied in that order, and a read filter.
///
/// What the selection means depends on the command (SPEC §5): `convert`, `merge` and `rewrite`
/// write only what it admits; on `tables`, `simulate` and `flows` it selects what is *reported*
/// (like tshark's display filter) while the tables and the fabric see every frame. `readFilter`
/// is the other meaning on those: frames it refuses never happened.
///
/// Times relative to the earliest packet are resolved by `resolve(reference:)` before use, with
/// the one reference of the run (`earliestPacketTime`); where there is none (standard input
/// cannot be read twice) the first packet admitted against counts. Each pass over the input
/// takes a fresh copy, so the count starts again.
public struct PacketSelection {
    public var filter: PacketFilter?
    public var from: TimeBound?
    public var until: TimeBound?
    /// Stop after this many selected packets.
    public var count: Int?
    /// Frames it refuses are dropped before anything sees them (`--read-filter`).
    public var readFilter: PacketFilter?
    /// Packet numbers (1-based, in file order: `Packet.number`) to keep (`convert --packets`).
    public var packets: PacketRanges?
    /// The number of the latest packet looked at.
    private var lastNumber = 0
    private var start: Timestamp?
    private var end: Timestamp?
    private var resolved: Bool
    /// Packets selected so far.
    public private(set) var selected = 0

    public init(filter: PacketFilter? = nil, from: TimeBound? = nil, until: TimeBound? = nil, count: Int? = nil,
                readFilter: PacketFilter? = nil) {
        self.filter = filter
        self.from = from
        self.until = until
        self.count = count
        self.readFilter = readFilter
        resolved = false
        if case .absolute(let t)? = from { start = t }
        if case .absolute(let t)? = until { end = t }
    }

    /// True when `admits` refuses nothing.
    public var selectsEverything: Bool { filter == nil && from == nil && until == nil && count == nil && packets == nil }

    /// Whether a time is relative to the earliest packet (then `resolve(reference:)` is needed).
    public var needsReference: Bool {
        if case .relative? = from { return true }
        if case .relative? = until { return true }
        return false
    }

    /// Resolves relative times against `reference`, the earliest packet of the input.
    public mutating func resolve(reference: Timestamp) {
        resolved = true
        start = from?.resolve(reference: reference)
        end = until?.resolve(reference: reference)
    }

    /// Whether every later packet is certain to be refused (the count is reached).
    public var isExhausted: Bool {
        if let count, selected >= count { return true }
        if let packets, lastNumber >= packets.last { return true }
        return false
    }

    /// Whether `packet` (on an interface of `linkType`) is selected; counts it if so.
    @inline(__always)
    public mutating func admits(_ packet: Packet, linkType: UInt16) throws(FilterError) -> Bool {
        if !resolved { resolve(reference: packet.timestamp) }
        if let count, selected >= count { return false }
        if let packets {
            lastNumber = packet.number
            if !packets.contains(packet.number) { return false }
        }
        if let start, packet.timestamp < start { return false }
        if let end, !(packet.timestamp < end) { return false }
        if let filter, !(try filter.matches(packet.data, originalLength: packet.originalLength, linkType: linkType)) {
            return false
        }
        selected += 1
        return true
    }

    /// Whether `packet` passes the read filter (always, without one).
    @inline(__always)
    public func reads(_ packet: Packet, linkType: UInt16) throws(FilterError) -> Bool {
        guard let readFilter else { return true }
        return try readFilter.matches(packet.data, originalLength: packet.originalLength, linkType: linkType)
    }
}
