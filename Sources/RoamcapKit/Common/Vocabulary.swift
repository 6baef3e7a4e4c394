import CaptureFile
import PacketFilter
import PacketWire

// The lower layers' types that are part of RoamcapKit's own interface (its functions take and
// return them), named here so that the command line imports RoamcapKit alone.

public typealias OutputFile = CaptureFile.OutputFile
public typealias CaptureFormat = CaptureFile.CaptureFormat
public typealias CaptureError = CaptureFile.CaptureError
public typealias Timestamp = CaptureFile.Timestamp
public typealias MACAddress = PacketWire.MACAddress
public typealias IPAddress = PacketWire.IPAddress

/// The process-wide part of a run, which the command line sets up at its start: the signal
/// handlers and the temporary outputs they remove.
public enum ProcessSettings {
    /// SIGINT, SIGTERM and SIGHUP remove the temporary outputs and exit 130, 143, 129.
    public static func installSignalHandlers() {
        TemporaryFiles.installSignalHandlers()
    }

    /// Removes every temporary output not yet committed (before an early exit).
    public static func removeTemporaryFiles() {
        TemporaryFiles.removeAll()
    }

    /// Ends the run quietly with status 0, leaving no temporary output: the reader of standard
    /// output (or of an output pipe) has gone, and had what it wanted.
    public static func endRunQuietly() -> Never {
        TemporaryFiles.endRunQuietly()
    }
}
