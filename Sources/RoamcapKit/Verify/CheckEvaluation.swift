/// The outcome of one assertion on one document.
public struct AssertionResult: Sendable {
    public var assertion: Assertion
    public var passed: Bool
    /// The first ten values the path selected.
    public var found: [JSONValue]
    /// How many values it selected in all.
    public var foundCount: Int
    /// Why it failed (empty when it passed).
    public var problems: [String]

    /// How many of the values found are shown.
    public static let shownValues = 10

    /// The values found, compact: `nothing`, `["C"]`, `[87, 8, 0, 0]`, `[…10 values…] and 5 more`.
    public var foundText: String {
        if foundCount == 0 { return "nothing" }
        let shown = "[" + found.map { $0.rendered() }.joined(separator: ", ") + "]"
        return foundCount > found.count ? "\(shown) and \(foundCount - found.count) more" : shown
    }

    /// `$.path: expected max 0, found [87, 8] (87 is above the max)`.
    public var message: String {
        var text = "\(assertion.path): expected \(assertion.expectation), found \(foundText)"
        if !problems.isEmpty { text += " (" + problems.joined(separator: "; ") + ")" }
        return text
    }
}

/// The outcome of one check: its assertions, and the time it took (its share of its run, and
/// its evaluation).
public struct CheckResult: Sendable {
    public var check: Check
    public var assertions: [AssertionResult]
    public var seconds: Double

    public var passed: Bool { assertions.allSatisfy(\.passed) }

    /// For a failed check: `check 'NAME' failed: <each failed assertion>`.
    public var failureMessage: String? {
        let failed = assertions.filter { !$0.passed }
        guard !failed.isEmpty else { return nil }
        return "check '\(check.name)' failed: " + failed.map(\.message).joined(separator: "; ")
    }
}

extension Check {
    /// Evaluates every assertion of the check on the command's JSON.
    public func evaluate(_ document: JSONValue, seconds: Double = 0) -> CheckResult {
        CheckResult(check: self, assertions: assertions.map { $0.evaluate(document) }, seconds: seconds)
    }
}

extension Assertion {
    /// Evaluates the assertion (SPEC §6): `equals`, `min` and `max` hold for every selected
    /// value, and fail when nothing is selected unless `count` or `exists` is given too; `count`
    /// is how many values are selected; `exists` whether any is; `contains`, that some value has
    /// the given members.
    public func evaluate(_ document: JSONValue) -> AssertionResult {
        let values = path.select(document)
        var problems: [String] = []
        let n = values.count
        func plural(_ n: Int) -> String { n == 1 ? "1 value" : "\(n) values" }
        switch count {
        case .exactly(let c)?:
            if n != c { problems.append("selects \(plural(n)), not \(c)") }
        case .range(let low, let high)?:
            if let low, n < low { problems.append("selects \(plural(n)), fewer than \(low)") }
            if let high, n > high { problems.append("selects \(plural(n)), more than \(high)") }
        case nil: break
        }
        if let exists {
            if exists && n == 0 { problems.append("selects nothing") }
            if !exists && n > 0 { problems.append("selects \(plural(n))") }
        }
        if equals != nil || minimum != nil || maximum != nil {
            if n == 0 && count == nil && exists == nil {
                problems.append("selects nothing")
            }
            if let equals {
                let differing = values.filter { !$0.isEqual(to: equals) }
                if let first = differing.first {
                    problems.append(differing.count == 1 ? "\(first.rendered()) differs"
                                    : "\(differing.count) of \(n) differ, the first \(first.rendered())")
                }
            }
            if let minimum {
                if let bad = values.first(where: { !Self.comparable($0, minimum) }) {
                    problems.append("\(bad.rendered()) cannot be compared with \(minimum.rendered())")
                } else if let low = values.first(where: { $0.isLess(than: minimum) }) {
                    problems.append("\(low.rendered()) is below the min")
                }
            }
            if let maximum {
                if let bad = values.first(where: { !Self.comparable($0, maximum) }) {
                    problems.append("\(bad.rendered()) cannot be compared with \(maximum.rendered())")
                } else if let high = values.first(where: { maximum.isLess(than: $0) }) {
                    problems.append("\(high.rendered()) is above the max")
                }
            }
        }
        if let contains {
            if n == 0 {
                problems.append("selects nothing")
            } else if !values.contains(where: { Self.has($0, contains) }) {
                problems.append(n == 1 ? "it lacks those members" : "none of them has those members")
            }
        }
        var unique: [String] = []
        for p in problems where !unique.contains(p) { unique.append(p) }
        return AssertionResult(assertion: self, passed: unique.isEmpty, found: Array(values.prefix(AssertionResult.shownValues)),
                               foundCount: n, problems: unique)
    }

    /// Whether `min`/`max` can be compared with a value: both numbers, or both strings.
    static func comparable(_ value: JSONValue, _ bound: JSONValue) -> Bool {
        switch (value, bound) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double), (.string, .string): return true
        default: return false
        }
    }

    /// Whether `value` has every member of `expected` (nested objects the same way; other
    /// values equal as JSONPath compares them).
    static func has(_ value: JSONValue, _ expected: JSONValue) -> Bool {
        guard case .object(let wanted) = expected else { return value.isEqual(to: expected) }
        guard case .object(let members) = value else { return false }
        return wanted.allSatisfy { key, wantedValue in
            guard let member = members.first(where: { $0.0.unicodeScalars.elementsEqual(key.unicodeScalars) }) else {
                return false
            }
            return has(member.1, wantedValue)
        }
    }
}
