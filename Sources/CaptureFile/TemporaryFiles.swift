#if canImport(Glibc)
import Glibc
#endif

/// The temporary files being written (outputs not yet renamed into place), kept where a signal
/// handler can remove them: SIGINT, SIGTERM and SIGHUP remove every one of them and end the
/// process with status 128 + the signal (130, 143, 129), as a shell reports it.
///
/// The table is a fixed array of C strings, changed with the signals blocked, so the handler
/// only calls async-signal-safe functions (`unlink`, `_exit`).
public enum TemporaryFiles {
    /// How many temporary files may exist at once (more are refused, not left behind).
    public static let capacity = 256

    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()

    private static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `body` with the handled signals blocked.
    private static func withSignalsBlocked<T>(_ body: () -> T) -> T {
        var block = sigset_t()
        var old = sigset_t()
        sigemptyset(&block)
        for s in handledSignals { sigaddset(&block, s) }
        pthread_sigmask(SIG_BLOCK, &block, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return body()
    }

    /// Records a temporary file; false when the table is full.
    static func register(_ path: String) -> Bool {
        withSignalsBlocked {
            for i in 0..<capacity where slots[i] == nil {
                slots[i] = strdup(path)
                return true
            }
            return false
        }
    }

    /// Forgets a temporary file (renamed into place, or removed).
    static func unregister(_ path: String) {
        withSignalsBlocked {
            for i in 0..<capacity {
                if let p = slots[i], String(cString: p) == path {
                    slots[i] = nil
                    free(p)
                    return
                }
            }
        }
    }

    /// Removes every temporary file (for an exit that skips the outputs' cleanup).
    public static func removeAll() {
        withSignalsBlocked { removeAllUnsafe() }
    }

    /// Ends the run quietly, successfully, leaving no temporary file: for a closed pipe on an
    /// output (`roamcap … | head`), whose reader has what it wanted.
    public static func endRunQuietly() -> Never {
        removeAll()
        _exit(0)
    }

    /// The handler's part: only async-signal-safe calls.
    fileprivate static func removeAllUnsafe() {
        for i in 0..<capacity {
            if let p = slots[i] { unlink(p) }
        }
    }

    /// Installs the SIGINT, SIGTERM and SIGHUP handlers (once, at start). A signal ignored by
    /// the parent (`nohup` ignores SIGHUP) stays ignored.
    public static func installSignalHandlers() {
        _ = slots
        for s in handledSignals {
            var current = sigaction()
            sigaction(s, nil, &current)
            if let handler = current.__sigaction_handler.sa_handler,
               unsafeBitCast(handler, to: Int.self) == 1 /* SIG_IGN */ { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                TemporaryFiles.removeAllUnsafe()
                _exit(128 + signal)
            }
            sigemptyset(&action.sa_mask)
            for t in handledSignals { sigaddset(&action.sa_mask, t) }
            action.sa_flags = 0
            sigaction(s, &action, nil)
        }
    }
}
