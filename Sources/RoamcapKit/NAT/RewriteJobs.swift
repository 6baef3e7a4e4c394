import CaptureFile
import Dispatch
import Synchronization

/// `roamcap rewrite` over several inputs: each input is one job, at most `parallelism` of them
/// run at once (each on its own thread, reading and writing its own files); results come back in
/// input order, each a result or the error that stopped that job.
///
/// `prepare(i)` opens job `i`'s output (nil for a dry run) and makes its packet selection when
/// the job starts, on the job's thread: no more outputs are open at once than jobs run, and no
/// filter is shared between threads.
public func rewriteTraces(inputs: [String], options: RewriteOptions, parallelism: Int,
                          prepare: @escaping @Sendable (Int) throws -> (output: OutputFile?, selection: PacketSelection),
                          progress: (@Sendable (Int, UInt64, UInt64?, Int) -> Void)? = nil)
    -> [Result<RewriteResult, any Error>] {
    let results = Mutex([Result<RewriteResult, any Error>?](repeating: nil, count: inputs.count))
    let next = Mutex(0)
    let job: @Sendable (Int) -> Void = { i in
        let outcome: Result<RewriteResult, any Error>
        do {
            let (output, selection) = try prepare(i)
            outcome = .success(try rewriteTrace(input: inputs[i], output: output, options: options, selection: selection,
                                                progress: progress.map { report in
                { reader, packets in report(i, reader.progress.read, reader.progress.total, packets) }
            }))
        } catch {
            outcome = .failure(error)
        }
        results.withLock { $0[i] = outcome }
    }
    let workers = max(1, min(parallelism, inputs.count))
    if workers == 1 {
        for i in inputs.indices { job(i) }
    } else {
        // Each worker takes the next input until none is left.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard i < inputs.count else { return }
                job(i)
            }
        }
    }
    return results.withLock { $0.map { $0 ?? .failure(CaptureError(.io, file: "", "job did not run")) } }
}
