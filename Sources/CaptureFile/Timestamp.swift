/// A point in time with nanosecond precision: whole seconds since the Unix epoch and the
/// nanoseconds within that second (always in `0..<1_000_000_000`, also for times before 1970).
public struct Timestamp: Hashable, Comparable, Sendable {
    public var seconds: Int64
    public var nanoseconds: UInt32

    @inlinable
    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Builds a timestamp from a possibly out-of-range nanosecond count, carrying into the seconds.
    @inlinable
    public init(seconds: Int64, carryingNanoseconds ns: Int64) {
        let (q, r) = ns.quotientAndRemainder(dividingBy: 1_000_000_000)
        if r < 0 {
            self.init(seconds: seconds &+ q &- 1, nanoseconds: UInt32(r + 1_000_000_000))
        } else {
            self.init(seconds: seconds &+ q, nanoseconds: UInt32(r))
        }
    }

    @inlinable
    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds
    }

    /// `self + offset`, where the offset is a signed nanosecond count.
    @inlinable
    public func adding(nanoseconds offset: Int64) -> Timestamp {
        Timestamp(seconds: seconds, carryingNanoseconds: Int64(nanoseconds) &+ offset)
    }

    /// The signed difference `self - other` in nanoseconds (saturating).
    @inlinable
    public func nanoseconds(since other: Timestamp) -> Int64 {
        let (s, o1) = (seconds).subtractingReportingOverflow(other.seconds)
        let (m, o2) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if o1 || o2 { return s < 0 ? .min : .max }
        return m &+ (Int64(nanoseconds) - Int64(other.nanoseconds))
    }

    /// Seconds as a floating-point number (for rates and human output only).
    public var secondsDouble: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    /// Converts a count of `unitsPerSecond` ticks (pcapng timestamps) to a timestamp, truncating
    /// sub-nanosecond parts as Wireshark does.
    @inlinable
    public init(ticks: UInt64, unitsPerSecond: UInt64) {
        let (q, r) = ticks.quotientAndRemainder(dividingBy: unitsPerSecond)
        let ns: UInt64
        if unitsPerSecond == 1_000_000_000 {
            ns = r
        } else if unitsPerSecond == 1_000_000 {
            ns = r &* 1000
        } else {
            let wide = r.multipliedFullWidth(by: 1_000_000_000)
            ns = unitsPerSecond.dividingFullWidth((wide.high, wide.low)).quotient
        }
        self.init(seconds: Int64(bitPattern: q), nanoseconds: UInt32(truncatingIfNeeded: ns))
    }

    /// The number of `unitsPerSecond` ticks since the epoch, or nil when it does not fit.
    @inlinable
    public func ticks(unitsPerSecond: UInt64) -> UInt64? {
        guard seconds >= 0 else { return nil }
        let whole = UInt64(seconds).multipliedReportingOverflow(by: unitsPerSecond)
        if whole.overflow { return nil }
        let frac: UInt64
        if unitsPerSecond == 1_000_000_000 {
            frac = UInt64(nanoseconds)
        } else if unitsPerSecond == 1_000_000 {
            frac = UInt64(nanoseconds) / 1000
        } else {
            let wide = UInt64(nanoseconds).multipliedFullWidth(by: unitsPerSecond)
            frac = UInt64(1_000_000_000).dividingFullWidth((wide.high, wide.low)).quotient
        }
        let sum = whole.partialValue.addingReportingOverflow(frac)
        return sum.overflow ? nil : sum.partialValue
    }
}

extension Timestamp: CustomStringConvertible {
    /// `seconds.nanoseconds`, nine digits, as capinfos prints epoch times.
    public var description: String {
        var frac = String(nanoseconds)
        frac = String(repeating: "0", count: 9 - frac.count) + frac
        return "\(seconds).\(frac)"
    }
}
