import CaptureFile
import PacketFilter
import PacketWire

/// Why a request could not run: one line, naming the file and position where there is one
/// (the command line prints it after `roamcap: error: `, exit 2).
public struct RequestError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The packet selection as a command's options give it (texts; compiled when the request
/// runs, so a request is a plain value that `verify` can compare and build).
public struct SelectionRequest: Sendable, Hashable {
    /// `-f`: on tables, simulate and flows it selects what is reported; on the others what is written.
    public var filter: String?
    public var strictVLAN = false
    public var from: TimeBound?
    public var until: TimeBound?
    public var count: Int?
    /// `--read-filter`: frames it refuses never happened.
    public var readFilter: String?
    /// Skip unreadable records instead of ending the input at the first.
    public var keepGoing = false
    /// `--vxlan-port`: the UDP ports recognised as VXLAN (SPEC §4).
    public var vxlanPorts: [UInt16] = [VXLANPacket.udpPort]

    public init(filter: String? = nil, strictVLAN: Bool = false, from: TimeBound? = nil, until: TimeBound? = nil,
                count: Int? = nil, readFilter: String? = nil, keepGoing: Bool = false) {
        self.filter = filter
        self.strictVLAN = strictVLAN
        self.from = from
        self.until = until
        self.count = count
        self.readFilter = readFilter
        self.keepGoing = keepGoing
    }

    /// How the run reads its inputs; `endsAtFirstError` for the commands that report what was
    /// read before an unreadable record, then the error (tables, simulate, flows).
    public func reading(endsAtFirstError: Bool) -> ReadOptions {
        ReadOptions(keepGoing: keepGoing, endsAtFirstError: endsAtFirstError, vxlanPorts: vxlanPorts)
    }

    /// The selection of one run (each pass takes a fresh copy).
    public func make() throws(RequestError) -> PacketSelection {
        do throws(FilterError) {
            return try PacketSelection(filter: filter, strictVLAN: strictVLAN, from: from, until: until, count: count,
                                       readFilter: readFilter)
        } catch {
            throw RequestError(error.description)
        }
    }
}

extension TimeBound: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .absolute(let t): hasher.combine(0); hasher.combine(t)
        case .relative(let ns): hasher.combine(1); hasher.combine(ns)
        }
    }
}

/// The topology file a request names, loaded (nil without one).
func loadTopology(_ path: String?) throws(RequestError) -> Topology? {
    guard let path else { return nil }
    do throws(TopologyError) { return try Topology.load(path: path) } catch { throw RequestError(error.description) }
}

/// Runs a job that throws a conversion error, as a request's error.
func requesting<T>(_ body: () throws(ConversionError) -> T) throws(RequestError) -> T {
    do throws(ConversionError) { return try body() } catch { throw RequestError(error.description) }
}

/// Progress of a long run: bytes read, total bytes (when known), packets.
public typealias RequestProgress = (UInt64, UInt64?, Int) -> Void
