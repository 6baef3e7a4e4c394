#if canImport(Glibc)
import Glibc
#endif
import CaptureFile

extension Timestamp {
    /// RFC 3339 in UTC with nanoseconds: `2026-11-20T10:00:01.250000000Z`.
    public var rfc3339: String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let ns = String(nanoseconds)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 9 - ns.count) + ns + "Z"
    }

    /// Parses RFC 3339 (`2026-11-20T10:00:01.25Z`, `…+02:00`, a space instead of `T` allowed).
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for i in at..<(at + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b.count > 4, b[4] == 45, let month = digits(5, 2), b.count > 7, b[7] == 45,
              let day = digits(8, 2), b.count > 10, b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = digits(11, 2), b.count > 13, b[13] == 58, let minute = digits(14, 2),
              b.count > 16, b[16] == 58, let second = digits(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var at = 19
        var nanos: Int64 = 0
        if at < b.count && b[at] == 46 {
            at += 1
            var scale: Int64 = 100_000_000
            var count = 0
            while at < b.count, b[at] >= 48 && b[at] <= 57 {
                if scale > 0 { nanos += Int64(b[at] - 48) * scale; scale /= 10 }
                at += 1
                count += 1
            }
            if count == 0 { return nil }
        }
        var offsetSeconds = 0
        if at < b.count && (b[at] == 90 || b[at] == 122) {
            at += 1
        } else if at < b.count && (b[at] == 43 || b[at] == 45) {
            guard let oh = digits(at + 1, 2), at + 3 < b.count, b[at + 3] == 58, let om = digits(at + 4, 2)
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[at] == 45 ? -1 : 1)
            at += 6
        } else {
            return nil
        }
        guard at == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = Int64(timegm(&parts)) - Int64(offsetSeconds)
        self.init(seconds: epoch, nanoseconds: UInt32(nanos))
    }
}

/// Parses a signed decimal number of seconds (`12`, `-0.25`, `+0.0031`, `1.5s`, `250ms`)
/// exactly into nanoseconds.
public func parseSecondsToNanoseconds(_ text: String) -> Int64? {
    var s = Substring(text)
    var unit: Int64 = 1_000_000_000
    if s.hasSuffix("ms") { unit = 1_000_000; s = s.dropLast(2) }
    else if s.hasSuffix("us") || s.hasSuffix("µs") { unit = 1_000; s = s.dropLast(2) }
    else if s.hasSuffix("ns") { unit = 1; s = s.dropLast(2) }
    else if s.hasSuffix("s") { s = s.dropLast() }
    var negative = false
    if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { negative = true; s = s.dropFirst() }
    let pieces = s.split(separator: ".", omittingEmptySubsequences: false)
    guard !s.isEmpty, pieces.count <= 2, pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
          !(pieces[0].isEmpty && (pieces.count == 1 || pieces[1].isEmpty)) else { return nil }
    guard let whole = pieces[0].isEmpty ? 0 : Int64(pieces[0]) else { return nil }
    var total = whole.multipliedReportingOverflow(by: unit)
    guard !total.overflow else { return nil }
    if pieces.count == 2 {
        var scale = unit / 10
        for c in pieces[1] where scale > 0 {
            total.partialValue += Int64(c.wholeNumberValue!) * scale
            scale /= 10
        }
    }
    return negative ? -total.partialValue : total.partialValue
}

/// A length of time as roamcap's files and options write it — `2s`, `3.5s`, `250ms`, `40us`,
/// `1m`, `1h`, or a bare number of seconds — in nanoseconds; nil when it is none, or overflows.
/// The one duration syntax of every input (topology, scenario, command line).
public func parseDuration(_ text: String) -> Int64? {
    func scaled(_ body: Substring, by factor: Int64) -> Int64? {
        guard let value = parseSecondsToNanoseconds(String(body)) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }
    if text.hasSuffix("m") && !text.hasSuffix("ms") { return scaled(text.dropLast(), by: 60) }
    if text.hasSuffix("h") { return scaled(text.dropLast(), by: 3600) }
    return parseSecondsToNanoseconds(text)
}

/// A moment given on the command line: absolute (RFC 3339) or seconds relative to a reference
/// (the first packet of the input).
public enum TimeBound: Sendable, Equatable {
    case absolute(Timestamp)
    case relative(nanoseconds: Int64)

    public init?(_ text: String) {
        if let t = Timestamp(rfc3339: text) {
            self = .absolute(t)
        } else if let ns = parseSecondsToNanoseconds(text) {
            self = .relative(nanoseconds: ns)
        } else {
            return nil
        }
    }

    public func resolve(reference: Timestamp) -> Timestamp {
        switch self {
        case .absolute(let t): return t
        case .relative(let ns): return reference.adding(nanoseconds: ns)
        }
    }
}
