/// Packet numbers to keep, editcap's `-r` ranges: `120-480,900` (1-based, in file order; `N-`
/// runs to the end). Ranges may overlap and come in any order.
public struct PacketRanges: Sendable, Equatable {
    /// Inclusive ranges, sorted and merged.
    public let ranges: [ClosedRange<Int>]

    /// Parses `N`, `N-M` and `N-`, separated by commas (spaces allowed); nil if malformed.
    public init?(_ text: String) {
        var list: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: " ")
            let bounds = item.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let low = Int(bounds[0]), low >= 1 else { return nil }
            if bounds.count == 1 {
                list.append(low...low)
            } else if bounds[1].isEmpty {
                list.append(low...Int.max)
            } else {
                guard let high = Int(bounds[1]), high >= low else { return nil }
                list.append(low...high)
            }
        }
        guard !list.isEmpty else { return nil }
        list.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int>] = []
        for r in list {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        ranges = merged
    }

    /// Whether packet `number` is kept.
    @inline(__always)
    public func contains(_ number: Int) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if number < ranges[mid].lowerBound { high = mid - 1 } else if number > ranges[mid].upperBound { low = mid + 1 } else {
                return true
            }
        }
        return false
    }

    /// The highest number kept (`Int.max` when a range is open).
    public var last: Int { ranges.last?.upperBound ?? 0 }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var s = self
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return s
    }
}
