import CaptureFile
import PacketWire

/// One entry of a VM migration table (SPEC §1): the VM's primary IP — the address the rest of
/// the network keeps using — and its post-migration IP, active on `[from, until)`.
public struct MigrationEntry: Sendable, Equatable {
    public var vm: String?
    public var primary: IPAddress
    /// nil: a removal (a notification with `"new": null`).
    public var new: IPAddress?
    public var from: TimeBound?
    public var until: TimeBound?
    /// Where the entry came from: `notifications.ndjson:3`, `table.csv:4`, `packet 120`.
    public var origin: String

    public init(vm: String? = nil, primary: IPAddress, new: IPAddress?, from: TimeBound? = nil,
                until: TimeBound? = nil, origin: String) {
        self.vm = vm
        self.primary = primary
        self.new = new
        self.from = from
        self.until = until
        self.origin = origin
    }
}

/// An error in a migration table or notification log, naming the file and line.
public struct MigrationInputError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var head = file
        if let line { head += ":\(line)" }
        if let column { head += ":\(column)" }
        return head + ": " + message
    }
}

/// The time-aware migration table a forwarding device replays: entries resolved to absolute
/// times, a later entry for the same primary ending the earlier one.
public struct MigrationTable: Sendable {
    /// An entry with its times resolved; `until` already cut by the entry that replaces it.
    public struct ActiveSpan: Sendable {
        public var entry: Int
        public var primary: IPAddress
        public var new: IPAddress
        public var from: Timestamp
        public var until: Timestamp
    }

    public private(set) var entries: [MigrationEntry]
    public private(set) var spans: [ActiveSpan] = []
    private var byPrimary: [IPAddress: [Int]] = [:]
    private var byPost: [IPAddress: [Int]] = [:]
    public let hasIPv4: Bool
    public let hasIPv6: Bool

    /// Whether any entry gives a time relative to the first packet.
    public static func needsReference(_ entries: [MigrationEntry]) -> Bool {
        entries.contains { e in
            if case .relative = e.from { return true }
            if case .relative = e.until { return true }
            return false
        }
    }

    /// Resolves relative times against `reference` (the earliest packet of the input).
    public init(entries: [MigrationEntry], reference: Timestamp) {
        self.entries = entries
        let beginning = Timestamp(seconds: .min, nanoseconds: 0)
        let end = Timestamp(seconds: .max, nanoseconds: 999_999_999)
        // Group by primary, ordered by start time (ties: input order).
        var groups: [IPAddress: [(index: Int, from: Timestamp, until: Timestamp)]] = [:]
        for (index, e) in entries.enumerated() {
            let from = e.from?.resolve(reference: reference) ?? beginning
            let until = e.until?.resolve(reference: reference) ?? end
            groups[e.primary, default: []].append((index, from, until))
        }
        for (primary, var items) in groups.sorted(by: { $0.key < $1.key }) {
            items.sort { $0.from != $1.from ? $0.from < $1.from : $0.index < $1.index }
            for (k, item) in items.enumerated() {
                guard let new = entries[item.index].new else { continue }
                var until = item.until
                if k + 1 < items.count, items[k + 1].from < until { until = items[k + 1].from }
                guard item.from < until else { continue }
                spans.append(ActiveSpan(entry: item.index, primary: primary, new: new, from: item.from, until: until))
            }
        }
        for (i, span) in spans.enumerated() {
            byPrimary[span.primary, default: []].append(i)
            byPost[span.new, default: []].append(i)
        }
        hasIPv4 = spans.contains { if case .v4 = $0.primary { return true }; return false }
            || spans.contains { if case .v4 = $0.new { return true }; return false }
        hasIPv6 = spans.contains { if case .v6 = $0.primary { return true }; return false }
            || spans.contains { if case .v6 = $0.new { return true }; return false }
    }

    public var isEmpty: Bool { spans.isEmpty }

    /// The span mapping `primary` to its post-migration address at `time`.
    @inline(__always)
    public func span(forPrimary primary: IPAddress, at time: Timestamp) -> ActiveSpan? {
        guard let list = byPrimary[primary] else { return nil }
        for i in list where spans[i].from <= time && time < spans[i].until { return spans[i] }
        return nil
    }

    /// The span whose post-migration address is `post` at `time`.
    @inline(__always)
    public func span(forPost post: IPAddress, at time: Timestamp) -> ActiveSpan? {
        guard let list = byPost[post] else { return nil }
        for i in list where spans[i].from <= time && time < spans[i].until { return spans[i] }
        return nil
    }
}
