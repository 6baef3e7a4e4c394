/// The results as TAP (Test Anything Protocol, version 14): one test point per check, a YAML
/// diagnostic block under each failed one.
///
///     TAP version 14
///     1..2
///     ok 1 - the VM moved from A to C
///     not ok 2 - flood loses nothing
///       ---
///       message: "check 'flood loses nothing' failed: …"
///       severity: fail
///       at: "three-site.expect.yaml:12:5"
///       failures:
///         - path: "$.policies[0].migrations[*].lostFrames"
///           expected: "max 0"
///           found: [87, 8]
///       ...
public enum TAPReport {
    public static func render(_ outcome: VerifyOutcome) -> String {
        var out = "TAP version 14\n1..\(outcome.results.count)\n"
        for (i, result) in outcome.results.enumerated() {
            out += (result.passed ? "ok" : "not ok") + " \(i + 1) - \(description(result.check.name))\n"
            guard let message = result.failureMessage else { continue }
            out += "  ---\n"
            out += "  message: \(quoted(message))\n"
            out += "  severity: fail\n"
            out += "  at: \(quoted(result.check.position.description))\n"
            out += "  failures:\n"
            for assertion in result.assertions where !assertion.passed {
                out += "    - path: \(quoted(assertion.assertion.path.text))\n"
                out += "      at: \(quoted(assertion.assertion.position.description))\n"
                out += "      expected: \(quoted(assertion.assertion.expectation))\n"
                out += "      found: [" + assertion.found.map { $0.rendered() }.joined(separator: ", ") + "]\n"
                out += "      count: \(assertion.foundCount)\n"
                out += "      problems: [" + assertion.problems.map(quoted).joined(separator: ", ") + "]\n"
            }
            out += "  ...\n"
        }
        return out
    }

    /// A test point's description: one line, with `#` (a directive) and `\` escaped.
    static func description(_ name: String) -> String {
        var out = ""
        for c in name {
            switch c {
            case "\\": out += "\\\\"
            case "#": out += "\\#"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// A YAML double-quoted scalar (JSON's string syntax is one).
    static func quoted(_ s: String) -> String { JSONValue.string(s).rendered() }
}
