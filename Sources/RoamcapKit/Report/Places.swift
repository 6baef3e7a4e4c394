/// How a place (a site's port) is written in every report.

/// `{"site", "port"}`.
public func placeJSON(_ id: Topology.PortID, _ topology: Topology) -> JSONValue {
    let names = topology.names(of: id)
    return .object([("site", .string(names.site)), ("port", .string(names.port))])
}

/// `site/port`.
public func placeText(_ id: Topology.PortID, _ topology: Topology) -> String {
    let names = topology.names(of: id)
    return "\(names.site)/\(names.port)"
}
