import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

@main
struct Roamcap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roamcap",
        abstract: "Analyze and rewrite packet captures taken around workload mobility.",
        discussion: """
        roamcap reads pcap and pcapng traces (plain, zstd or gzip compressed, detected by content), \
        writes them back exactly, and reports on them. Every command that reads captures takes \
        files or '-' for standard input (once), except simulate, which reads its inputs twice.

        Exit status: 0 success, 1 a verification failed, 2 bad usage or bad input. Diagnostics \
        go to standard error as 'roamcap: error: ...', naming the file, byte offset and packet \
        (or line and column). SIGINT, SIGTERM and SIGHUP remove temporary outputs and exit 130, \
        143 and 129; a closed output pipe ends the run quietly.
        """,
        version: roamcapVersion,
        subcommands: [Info.self, Convert.self, Merge.self, Rewrite.self, Tables.self, Synth.self, TopologyCommand.self, Simulate.self, Flows.self, TimelineCommand.self, Combine.self, BGP.self, Verify.self, PostmortemReport.self]
    )

    /// Runs the command, turning every failure into a one-line diagnostic and exit code 2.
    static func main() {
        // A closed pipe is seen as EPIPE where it is written, which ends the run quietly;
        // SIGINT, SIGTERM and SIGHUP remove the temporary outputs and exit 130, 143, 129.
        signal(SIGPIPE, SIG_IGN)
        ProcessSettings.installSignalHandlers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let error as RoamcapFailure {
            fail(error.message)
        } catch let error as RequestError {
            fail(error.message)
        } catch let error as CaptureError {
            fail(error.description)
        } catch let error as ConversionError {
            fail(error.description)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
            let text = firstLine.hasPrefix("Error: ") ? String(firstLine.dropFirst(7)) : firstLine
            writeStandardError("roamcap: error: \(text)\n")
            // A bad value is one line (it names the option and, for a list, the values it takes).
            if (message.contains("Usage:") || message.contains("Help:")) && !text.contains("is invalid for") {
                writeStandardError("Run 'roamcap help' or 'roamcap SUBCOMMAND --help' for usage.\n")
            }
            Glibc.exit(2)
        }
    }

    static func fail(_ message: String) -> Never {
        ProcessSettings.removeTemporaryFiles()
        writeStandardError("roamcap: error: \(message)\n")
        Glibc.exit(2)
    }
}

/// The reader of standard output (or of an output pipe) has gone, as with `roamcap … | head`:
/// what it wanted was written, so the run ends quietly, successfully, and leaves no temporary file.
func endQuietlyOnBrokenPipe() -> Never {
    ProcessSettings.endRunQuietly()
}

/// A failure with a ready message (exit code 2).
struct RoamcapFailure: Error {
    var message: String
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

func warn(_ text: String) {
    writeStandardError("roamcap: warning: \(text)\n")
}

/// Warns once per line (a result's `PassStatistics.warnings`).
func warn(_ lines: [String]) {
    for line in lines { warn(line) }
}

/// Prints to standard output without Swift's per-call overhead mattering for reports.
///
/// A reader that has gone (EPIPE) ends the run quietly; any other failure (`> /dev/full`) is an
/// error, exit 2: a report that could not be written is not a success.
func writeStandardOutput(_ text: String) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EPIPE { endQuietlyOnBrokenPipe() }
            Roamcap.fail("standard output: write failed: \(String(cString: strerror(code)))")
        }
        if n == 0 { Roamcap.fail("standard output: write failed: nothing written") }
        done += n
    }
}
