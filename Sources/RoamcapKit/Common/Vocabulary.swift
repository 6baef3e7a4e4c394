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

/// What the command line sets once for the whole process, before any work starts.
public enum ProcessSettings {
    /// UDP destination ports recognised as VXLAN by every decoder made from now on (SPEC §4).
    public static func decodeVXLAN(onPorts ports: [UInt16]) {
        PacketDecoder.defaultVXLANPorts = ports
    }

    /// Readers made from now on end at an unreadable record instead of throwing, so what was
    /// read before it can be reported first (then the error, exit 2).
    public static func endReadsAtFirstError() {
        CaptureReader.defaultEndsAtFirstError = true
    }

    /// SIGINT, SIGTERM and SIGHUP remove the temporary outputs and exit 130, 143, 129; a closed
    /// pipe (EPIPE) on an output runs `onBrokenPipe`.
    public static func installSignalHandlers(onBrokenPipe: @escaping () -> Never) {
        TemporaryFiles.installSignalHandlers()
        OutputFile.brokenPipeAction = onBrokenPipe
    }

    /// Removes every temporary output not yet committed (before an early exit).
    public static func removeTemporaryFiles() {
        TemporaryFiles.removeAll()
    }
}
