#if canImport(Glibc)
import Glibc
#endif

/// `x` with `digits` decimals (no Foundation, so no String(format:)).
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    guard scaled < 9e18 else { return String(x) }
    let n = UInt64(scaled)
    let whole = n / UInt64(scale)
    var text = (x < 0 && n != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        let fraction = String(n % UInt64(scale))
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return text
}

/// The results: an aligned plain-text table for the terminal and a markdown file.
struct Report {
    enum Verdict: String {
        case met, notMet = "not met", notApplicable = "n/a"
    }

    struct Target {
        var text: String
        var measured: String
        var verdict: Verdict
    }

    let options: BenchOptions
    let trace: String
    let mix: TraceMix
    let rows: [Row]
    let notes: [String]
    let versions: [String]
    let commands: [String]

    static let header = ["job", "roamcap s", "peer", "peer s", "ratio", "roamcap peak MiB"]
    /// Right-aligned columns (numbers).
    static let numeric = [false, true, false, true, true, true]

    var cells: [[String]] {
        rows.map { row in
            [row.job, seconds(row.roamcap), row.peer, seconds(row.peerResult),
             row.ratio.map { fixed($0, 2) } ?? "-", row.roamcap.ok ? fixed(row.roamcap.peakMiB, 1) : "-"]
        }
    }

    private func seconds(_ m: Measurement) -> String {
        switch m.status {
        case .ok: return fixed(m.seconds, 3)
        case .missing: return "missing"
        case .failed: return "failed"
        }
    }

    var targets: [Target] {
        var list: [Target] = []
        func row(_ job: String, _ peer: String) -> Row? { rows.first { $0.job == job && $0.peer == peer } }
        for job in ["copy to file", "copy to stdout", "BPF filter"] {
            let r = row(job, "tcpdump")
            let ratio = r?.ratio
            list.append(Target(text: "\(job): at least as fast as tcpdump (ratio >= 1)",
                               measured: ratio.map { "ratio \(fixed($0, 2))" } ?? unavailable(r),
                               verdict: ratio.map { $0 >= 1 ? .met : .notMet } ?? missingVerdict(r)))
        }
        let cp = row("copy to file", "cp")
        let overCp = cp?.ratio.map { 1 / $0 }
        list.append(Target(text: "copy to file: within 1.5x of cp (roamcap s / cp s <= 1.5)",
                           measured: overCp.map { "\(fixed($0, 2))x cp" } ?? unavailable(cp),
                           verdict: overCp.map { $0 <= 1.5 ? .met : .notMet } ?? missingVerdict(cp)))
        let info = row("info", "capinfos")
        list.append(Target(text: "info: at least 10x faster than capinfos (ratio >= 10)",
                           measured: info?.ratio.map { "ratio \(fixed($0, 1))" } ?? unavailable(info),
                           verdict: info?.ratio.map { $0 >= 10 ? .met : .notMet } ?? missingVerdict(info)))
        func ratioTarget(_ job: String, _ peer: String, _ minimum: Double, _ text: String) {
            let r = row(job, peer)
            list.append(Target(text: text, measured: r?.ratio.map { "ratio \(fixed($0, 2))" } ?? unavailable(r),
                               verdict: r?.ratio.map { $0 >= minimum ? .met : .notMet } ?? missingVerdict(r)))
        }
        ratioTarget("rewrite to file", "tcprewrite", 3, "rewrite to file: at least 3x faster than tcprewrite")
        ratioTarget("rewrite to /dev/null", "tcprewrite", 3.5, "rewrite to /dev/null: at least 3.5x faster than tcprewrite")
        ratioTarget("rewrite 2 files -j 2", "roamcap -j 1", 1.7, "rewrite -j 2 over two files: close to 2x one job (>= 1.7)")
        ratioTarget("tables", "tshark -Y arp", 30, "tables: at least 30x faster than tshark")
        ratioTarget("simulate + flows", "tshark -z conv,tcp", 15, "simulate + flows: at least 15x faster than tshark -z conv,tcp")
        if let fabric = row("simulate + flows", "tshark -z conv,tcp"), fabric.roamcap.ok {
            list.append(Target(text: "simulate + flows: peak memory < 128 MiB", measured: "\(fixed(fabric.roamcap.peakMiB, 1)) MiB",
                               verdict: fabric.roamcap.peakMiB < 128 ? .met : .notMet))
        }
        ratioTarget("flows (data-center mix)", "tshark -z conv,tcp", 15,
                    "flows on the data-center mix: at least 15x faster than tshark -z conv,tcp")
        if let flows = row("flows (data-center mix)", "tshark -z conv,tcp"), flows.roamcap.ok {
            list.append(Target(text: "flows on the data-center mix: peak memory < 128 MiB",
                               measured: "\(fixed(flows.roamcap.peakMiB, 1)) MiB", verdict: flows.roamcap.peakMiB < 128 ? .met : .notMet))
        }
        ratioTarget("verify (20 checks)", "roamcap simulate + flows", 1 / 1.2,
                    "verify with 20 checks: within 1.2x of one simulate plus one flows (ratio >= 0.83)")
        if let tables = row("tables", "tshark -Y arp"), tables.roamcap.ok {
            list.append(Target(text: "tables: peak memory < 64 MiB", measured: "\(fixed(tables.roamcap.peakMiB, 1)) MiB",
                               verdict: tables.roamcap.peakMiB < 64 ? .met : .notMet))
        }
        let copyJobs = ["copy to file", "copy to stdout", "BPF filter", "info", "rewrite to file", "rewrite to /dev/null",
                        "rewrite 2 files -j 2"]
        let copyPeaks = rows.filter { $0.roamcap.ok && copyJobs.contains($0.job) }.map { $0.roamcap.peakMiB }
        list.append(Target(text: "roamcap peak memory < 48 MiB (every copy and rewrite job)",
                           measured: copyPeaks.max().map { "max \(fixed($0, 1)) MiB" } ?? "roamcap failed",
                           verdict: (copyPeaks.max() ?? 99) < 48 ? .met : .notMet))
        return list
    }

    /// Without a ratio: roamcap failing misses the target, a missing or failing peer leaves it open.
    private func missingVerdict(_ row: Row?) -> Verdict {
        guard let row, row.roamcap.ok else { return .notMet }
        return .notApplicable
    }

    private func unavailable(_ row: Row?) -> String {
        guard let row else { return "not measured" }
        if case .failed = row.roamcap.status { return "roamcap failed" }
        switch row.peerResult.status {
        case .missing: return "\(row.peer) missing"
        case .failed: return "\(row.peer) failed"
        case .ok: return "-"
        }
    }

    private var preamble: [String] {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        var cpu = "unknown CPU"
        if let bytes = readFile("/proc/cpuinfo", limit: 65536) {
            let text = String(decoding: bytes, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
               let colon = line.firstIndex(of: ":") {
                cpu = line[line.index(after: colon)...].trimmingPrefixSpaces()
            }
        }
        return [
            "trace: \(trace), \(mix.packets) packets, \(megabytes(mix.fileBytes)) MB (deterministic, seed 0x\(String(TraceGenerator.seed, radix: 16)))",
            mixSummary(mix),
            "each command run \(options.runs) time\(options.runs == 1 ? "" : "s") (rounds interleaved within a job): "
                + "best wall time, highest peak RSS; "
                + "ratio = peer s / roamcap s (> 1: roamcap faster)",
            "host: \(cpu), \(cpus) CPUs",
        ]
    }

    func plainText() -> String {
        let table = [Report.header] + cells
        var widths = Report.header.map { $0.count }
        for line in table { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func pad(_ cell: String, _ i: Int) -> String {
            let fill = String(repeating: " ", count: widths[i] - cell.count)
            return Report.numeric[i] ? fill + cell : cell + fill
        }
        var lines = preamble
        lines.append("")
        lines.append(Report.header.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | "))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
        for line in cells { lines.append(line.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ")) }
        lines.append("")
        lines.append("targets:")
        let targetWidth = targets.map { $0.text.count }.max() ?? 0
        let measuredWidth = targets.map { $0.measured.count }.max() ?? 0
        for t in targets {
            lines.append("  " + t.text + String(repeating: " ", count: targetWidth - t.text.count) + "  "
                         + t.measured + String(repeating: " ", count: measuredWidth - t.measured.count)
                         + "  " + t.verdict.rawValue)
        }
        if !notes.isEmpty {
            lines.append("")
            lines.append("notes:")
            for note in notes { lines.append("  " + note) }
        }
        return lines.joined(separator: "\n")
    }

    func markdown() -> String {
        var lines = ["# roamcap benchmark", ""]
        lines += preamble.map { "- " + $0 }
        lines.append("")
        lines.append("| " + Report.header.joined(separator: " | ") + " |")
        lines.append("|" + Report.numeric.map { $0 ? " --: |" : " --- |" }.joined())
        for line in cells { lines.append("| " + line.joined(separator: " | ") + " |") }
        lines += ["", "## Targets", ""]
        for t in targets {
            let box = t.verdict == .met ? "[x]" : "[ ]"
            lines.append("- \(box) \(t.text): \(t.measured) — **\(t.verdict.rawValue)**")
        }
        if !notes.isEmpty {
            lines += ["", "## Notes", ""]
            lines += notes.map { "- " + $0 }
        }
        if !commands.isEmpty {
            lines += ["", "## Commands", ""]
            lines += commands.map { "- `" + $0 + "`" }
        }
        if !versions.isEmpty {
            lines += ["", "## Versions", ""]
            lines += versions.map { "- " + $0 }
        }
        lines += ["", "Regenerate with `make bench` or `roamcap-bench --roamcap PATH --work \(options.work) "
                  + "--packets \(options.packets) --runs \(options.runs)`.", ""]
        return lines.joined(separator: "\n")
    }
}

extension Substring {
    func trimmingPrefixSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }
}
