import CaptureFile
#if canImport(Glibc)
import Glibc
#endif

/// `roamcap verify` as a value: the expectations file, the traces that replace its own, how
/// many child runs at once and where the JUnit XML goes.
public struct VerifyRequest: Sendable {
    public var expectations: String
    /// Traces that replace the file's (none: the file's).
    public var inputs: [String] = []
    /// Child runs at once (`--jobs`).
    public var jobs = 2
    /// `--junit`: the JUnit XML's path (`-`: standard output).
    public var junit: String?

    public init(expectations: String, inputs: [String] = []) {
        self.expectations = expectations
        self.inputs = inputs
    }

    /// Loads the expectations file and plans its runs; the command line's traces must be
    /// readable and are taken from the working directory.
    public func plan() throws(RequestError) -> VerifyPlan {
        do throws(InputFileError) {
            let loaded = try Expectations.load(path: expectations, replacingTraces: !inputs.isEmpty)
            for input in inputs where access(input, R_OK) != 0 {
                throw InputFileError(file: input, "cannot read it: \(String(cString: strerror(errno)))")
            }
            return try VerifyPlan(loaded, inputs: inputs.map(absolutePath))
        } catch {
            throw RequestError(error.description)
        }
    }
}

/// `roamcap verify`: runs the plan's commands (`executable` for the runs that are child
/// processes of roamcap, `requests` in this process when it gives them) and evaluates every
/// check; `parse` validates each run with the commands' own parser (nil, or the error's line).
/// Reads end at an unreadable record, reported after what was read, as the commands do.
public func runVerify(_ request: VerifyRequest, plan: VerifyPlan, executable: String, requests: [RunRequest]?,
                      parse: (_ arguments: [String]) -> String?) throws(RequestError) -> VerifyOutcome {
    let runner = ChildRunner(executable: executable, directory: plan.expectations.directory, parallel: request.jobs)
    do throws(InputFileError) {
        return try verifyExpectations(plan, requests: requests, runner: runner, parse: parse)
    } catch {
        throw RequestError(error.description)
    }
}

/// `verify --junit`: the outcome as JUnit XML (`JUnitReport`), written atomically to the
/// request's path (`-`: standard output); `timestamp` is when the verification started.
public func writeJUnit(_ outcome: VerifyOutcome, request: VerifyRequest, timestamp: String) throws(RequestError) {
    guard let path = request.junit else { return }
    let xml = JUnitReport.render(outcome, timestamp: timestamp, hostname: JUnitReport.hostname())
    do throws(CaptureError) {
        let file = try OutputFile(path: path, compressed: false, force: true,
                                  inputs: outcome.plan.traces + [request.expectations], brokenPipe: .endsRunQuietly)
        try file.write(Array(xml.utf8))
        try file.commit()
    } catch {
        throw RequestError(error.description)
    }
}
