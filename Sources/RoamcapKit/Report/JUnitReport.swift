#if canImport(Glibc)
import Glibc
#endif

/// The results as JUnit XML, in the Ant/Jenkins form that Jenkins, GitLab and GitHub test
/// reporters read:
///
///     <testsuites>
///       <testsuite name tests failures errors time timestamp hostname id package>
///         <properties> <property name value/>… </properties>
///         <testcase name classname time>
///           <failure message type>details</failure>      (a failed check)
///         </testcase>…
///         <system-out/> <system-err/>
///       </testsuite>
///     </testsuites>
///
/// One testsuite per expectations file, one testcase per check; only attributes both the Ant
/// and the Jenkins schemas declare.
public enum JUnitReport {
    /// This machine's name, for the testsuite's `hostname` ("localhost" when it has none).
    public static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let ok = buffer.withUnsafeMutableBytes { gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255) } == 0
        guard ok, let end = buffer.firstIndex(of: 0), end > 0 else { return "localhost" }
        return String(decoding: buffer[..<end], as: UTF8.self)
    }

    /// Now, as the Ant JUnit schema writes a timestamp: `2026-11-20T10:00:00` (UTC).
    public static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// - Parameters:
    ///   - timestamp: the start, as `2026-11-20T10:00:00` (UTC, no zone: the Ant schema's form).
    public static func render(_ outcome: VerifyOutcome, timestamp: String, hostname: String) -> String {
        let expectations = outcome.plan.expectations
        let suiteName = RoamcapKit.baseName(expectations.file)
        var stem = suiteName
        for suffix in [".yaml", ".yml", ".expect"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        out += "  <testsuite name=\(attribute(suiteName)) tests=\"\(outcome.results.count)\" "
            + "failures=\"\(outcome.failedCount)\" errors=\"0\" time=\(attribute(seconds(outcome.seconds))) "
            + "timestamp=\(attribute(timestamp)) hostname=\(attribute(hostname)) id=\"0\" package=\"roamcap.verify\">\n"
        out += "    <properties>\n"
        out += "      <property name=\"file\" value=\(attribute(expectations.file))/>\n"
        for trace in outcome.plan.traces {
            out += "      <property name=\"trace\" value=\(attribute(trace))/>\n"
        }
        if let topology = expectations.topology {
            out += "      <property name=\"topology\" value=\(attribute(topology.path))/>\n"
        }
        out += "      <property name=\"runs\" value=\"\(outcome.plan.runs.count)\"/>\n"
        out += "    </properties>\n"
        for result in outcome.results {
            let check = result.check
            out += "    <testcase name=\(attribute(check.name)) classname=\(attribute("roamcap.verify." + stem + "." + check.run)) "
                + "time=\(attribute(seconds(result.seconds)))"
            guard let message = result.failureMessage else {
                out += "/>\n"
                continue
            }
            out += ">\n      <failure message=\(attribute(message)) type=\"roamcap.verify.AssertionFailed\">"
            var details = "\(check.position): check '\(check.name)' (roamcap \(check.run)"
                + (check.arguments.isEmpty ? "" : " " + check.arguments.joined(separator: " ")) + ")\n"
            for assertion in result.assertions {
                details += "\(assertion.assertion.position): \(assertion.passed ? "ok" : "FAILED"): "
                    + "\(assertion.assertion.path): expected \(assertion.assertion.expectation)\n"
                details += "  found \(assertion.foundCount) value\(assertion.foundCount == 1 ? "" : "s"): \(assertion.foundText)\n"
                if !assertion.problems.isEmpty { details += "  " + assertion.problems.joined(separator: "; ") + "\n" }
            }
            out += text(details) + "</failure>\n    </testcase>\n"
        }
        let warnings = outcome.runWarnings.joined()
        out += "    <system-out/>\n"
        out += warnings.isEmpty ? "    <system-err/>\n" : "    <system-err>\(text(warnings))</system-err>\n"
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func seconds(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A quoted attribute value, XML-escaped (line breaks and tabs as character references, so
    /// that they survive attribute normalization).
    static func attribute(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: appendAllowed(scalar, to: &out)
            }
        }
        return out + "\""
    }

    /// Character data, XML-escaped.
    static func text(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default: appendAllowed(scalar, to: &out)
            }
        }
        return out
    }

    /// Characters XML 1.0 cannot carry at all (controls, U+FFFE/U+FFFF) become U+FFFD.
    static func appendAllowed(_ scalar: Unicode.Scalar, to out: inout String) {
        let v = scalar.value
        let allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
        out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
    }
}
