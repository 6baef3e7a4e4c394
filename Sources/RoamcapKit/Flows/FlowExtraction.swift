import CaptureFile
import PacketWire

/// `flows --uid U -o FILE`: writes the packets of one flow (every frame the flow table counted in
/// it, in the merged time order) for Wireshark. The inputs are read again through the same flow
/// table, so the frames are exactly those `flows` counted; a later fragment or an ICMP error
/// counts where `flows` counts it.
///
/// Returns the number of packets written.
public func writeFlowPackets(of target: FlowState, inputs: [String], topology: Topology?, settings: FlowSettings = FlowSettings(),
                             nat: FlowMigrationNAT? = nil, reading: ReadOptions = ReadOptions(), output: OutputFile,
                             format: CaptureFormat = .pcapng) throws(ConversionError) -> Int {
    do {
        let table = FlowTable(settings: settings)
        let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: reading)
        var reference = stream.firstTime
        if let nat, MigrationTable.needsReference(nat.entries) { reference = try earliestPacketTime(inputs) ?? reference }
        let mapping = nat.flatMap { $0.isEmpty ? nil : $0.mapping(reference: reference) }
        table.addressMapping = mapping
        let writer = TraceWriter(output: output, format: format)
        try writer.beginSection(SectionHeader(options: [
            BlockOption(code: BlockOption.commentCode, string: "flow \(target.uid) written by roamcap flows"),
        ]))
        var outputIDs: [[Int?]] = Array(repeating: [], count: inputs.count)
        var decoded = DecodedPacket()
        while let (packet, file) = try stream.next() {
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            mapping?.learner?.observe(decoded: decoded, packet: packet)
            guard let i = table.observe(decoded, bytes: packet.data, originalLength: packet.originalLength,
                                        time: packet.timestamp, packet: stream.number) else { continue }
            let flow = table.flows[i]
            // A VXLAN datagram counts in its tunnel's flow too: the outer flow is table.lastObserved.
            let outer = table.lastObserved.map { table.flows[$0.flow] }
            let matches = (flow.key == target.key && flow.first == target.first)
                || (outer.map { $0.key == target.key && $0.first == target.first } ?? false)
            guard matches else { continue }
            while outputIDs[file].count <= packet.interface { outputIDs[file].append(nil) }
            let id: Int
            if let known = outputIDs[file][packet.interface] {
                id = known
            } else {
                var interface = stream.readers[file].interfaces[packet.interface]
                if interface.name == nil {
                    interface.options.insert(BlockOption(code: InterfaceDescription.OptionCode.name,
                                                         string: baseName(inputs[file])), at: 0)
                }
                interface.section = 0
                id = try writer.addInterface(interface)
                outputIDs[file][packet.interface] = id
            }
            try writer.write(packet, interfaceID: id, keepTicks: false)
        }
        try writer.finish()
        return writer.packetsWritten
    } catch {
        throw ConversionError(error)
    }
}
