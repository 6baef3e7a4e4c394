import CaptureFile
import PacketWire

/// The postmortem as one self-contained HTML page (SPEC §7): inline CSS, a small inline script,
/// inline SVG timelines, no external reference; the data embedded once as
/// `<script type="application/json" id="roamcap-report">`.
///
/// Everything visible is written here, so the page reads (and prints) without its script; the
/// script only sorts and filters tables, zooms the time axis and rebuilds the MAC/ARP tables at
/// an instant picked on the timeline from the embedded events.
public struct PostmortemPage {
    public let postmortem: Postmortem

    /// Plot width in SVG units; the label column is left of it.
    static let plotWidth = 1000.0
    static let labelWidth = 260.0
    static let laneHeight = 16.0
    static let policyRowHeight = 7.0

    public init(_ postmortem: Postmortem) {
        self.postmortem = postmortem
    }

    /// The whole page.
    public func rendered() -> String {
        var w = HTMLWriter()
        let p = postmortem
        let span = p.span
        w.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        w.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        w.element("title", [], "roamcap report — " + p.inputs.map(baseName).joined(separator: ", "))
        w.raw("<style>\(PostmortemPage.css)</style></head><body>")
        w.element("h1", [], "roamcap postmortem")
        // Captures and span.
        w.open("section", [("id", "captures")])
        w.element("h2", [], "Captures")
        if let span {
            let seconds = Double(span.last.nanoseconds(since: span.first)) / 1e9
            w.element("p", [], "From \(span.first.rfc3339) to \(span.last.rfc3339) (\(svgNumber(seconds)) s); "
                      + "times on the timeline are seconds after the first packet.")
        } else {
            w.element("p", [], "No packet in the inputs.")
        }
        w.table(id: "captures-table", header: ["file", "format", "packets", "bytes", "first", "last"],
                rows: p.summaries.map { s in
                    [(s.file, nil), (s.format.rawValue + (s.compression.rawValue == "none" ? "" : "+" + s.compression.rawValue), nil),
                     (String(s.packets), String(s.packets)), (String(s.bytes), String(s.bytes)),
                     (s.first?.rfc3339 ?? "-", nil), (s.last?.rfc3339 ?? "-", nil)]
                })
        w.close("section")
        if let span { timeline(&w, span: span) }
        outages(&w)
        policies(&w)
        instant(&w)
        events(&w)
        w.raw("<footer>Written by roamcap report. The data behind this page (SPEC §7) is embedded below as JSON: "
              + "<code>info</code>, <code>events</code>, <code>simulate</code>, <code>flows</code>.</footer>")
        w.raw("<script type=\"application/json\" id=\"roamcap-report\">")
        w.raw(p.embeddedScriptText)
        w.raw("</script>\n<script>\(PostmortemPage.script)</script></body></html>\n")
        return w.text
    }

    // MARK: Timeline

    /// Moved stations' places, the policies' outage windows, outage activity per bucket and the
    /// worst flows' outage windows, on one zoomable time axis.
    private func timeline(_ w: inout HTMLWriter, span: (first: Timestamp, last: Timestamp)) {
        let p = postmortem
        let topology = p.tables.topology
        let total = max(1, span.last.nanoseconds(since: span.first))
        func x(_ t: Timestamp) -> Double { Double(t.nanoseconds(since: span.first)) / Double(total) * Self.plotWidth }
        func rel(_ t: Timestamp) -> String { svgNumber(Double(t.nanoseconds(since: span.first)) / 1e9) + " s" }

        // Stations that moved, with every place change (events in time order).
        var moved: [StationKey] = []
        var seenMoved: Set<StationKey> = []
        for e in p.tables.events where (e.kind == .migration || e.kind == .moved) && e.ip == nil {
            if seenMoved.insert(e.station).inserted { moved.append(e.station) }
        }
        let maxStations = 60
        let shownStations = Array(moved.prefix(maxStations))
        let shownSet = Set(shownStations)
        var changes: [StationKey: [(Timestamp, Topology.PortID?, TableEvent)]] = [:]
        for e in p.tables.events where e.ip == nil && shownSet.contains(e.station) {
            switch e.kind {
            case .newStation, .moved, .migration, .flipFlop: changes[e.station, default: []].append((e.time, e.to, e))
            case .agedOut: changes[e.station, default: []].append((e.time, nil, e))
            default: break
            }
        }
        let fabric = p.fabric
        let policyCount = fabric?.policies.count ?? 0
        let stationHeight = Self.laneHeight + Double(policyCount) * Self.policyRowHeight + 4

        let lanes = Array(p.flows.flows.lazy.filter { !$0.flow.outages.isEmpty }.prefix(p.options.flowLanes))
        let flowsWithOutages = p.flows.flows.reduce(0) { $0 + ($1.flow.outages.isEmpty ? 0 : 1) }

        // Outage activity: flows in an outage per bucket, over every flow.
        let buckets = max(1, p.options.buckets)
        var activity = [Int](repeating: 0, count: buckets)
        for record in p.flows.flows {
            for o in record.flow.outages {
                let a = min(buckets - 1, max(0, Int(x(o.start) / Self.plotWidth * Double(buckets))))
                let b = min(buckets - 1, max(a, Int(x(o.end) / Self.plotWidth * Double(buckets))))
                for i in a...b { activity[i] += 1 }
            }
        }
        let peak = max(1, activity.max() ?? 1)

        let axisHeight = 28.0
        let activityHeight = 40.0
        var y = axisHeight
        let stationsTop = y
        y += Double(shownStations.count) * stationHeight + (shownStations.isEmpty ? 0 : 8)
        let activityTop = y
        y += activityHeight + 8
        let flowsTop = y
        y += Double(lanes.count) * Self.laneHeight
        let height = y + 6

        w.open("section", [("id", "timeline")])
        w.element("h2", [], "Timeline")
        var summary = "\(moved.count) station\(moved.count == 1 ? "" : "s") moved"
        if moved.count > shownStations.count { summary += " (the first \(shownStations.count) drawn)" }
        summary += "; \(flowsWithOutages) flow\(flowsWithOutages == 1 ? "" : "s") with an outage"
        if flowsWithOutages > lanes.count { summary += " (the worst \(lanes.count) drawn; all are counted in the activity row)" }
        summary += ". Outage activity is aggregated in \(buckets) buckets of "
            + svgNumber(Double(total) / Double(buckets) / 1e9) + " s. Advertisements (SPEC §8) are not decoded from "
            + "this capture. Wheel or the buttons zoom, drag pans, a click picks the instant of the stations and bindings below."
        w.element("p", [("class", "note")], summary)
        w.raw("<div class=\"controls\"><button type=\"button\" data-zoom=\"in\">zoom in</button>"
              + "<button type=\"button\" data-zoom=\"out\">zoom out</button>"
              + "<button type=\"button\" data-zoom=\"reset\">whole span</button> <span id=\"window\"></span></div>")
        let fullWidth = Self.labelWidth + Self.plotWidth + 10
        w.raw("<svg id=\"timeline-svg\" viewBox=\"0 0 \(svgNumber(fullWidth)) \(svgNumber(height))\" "
              + "data-first=\"\(span.first.rfc3339)\" data-span-ns=\"\(total)\" data-plot-x=\"\(svgNumber(Self.labelWidth))\" "
              + "data-plot-width=\"\(svgNumber(Self.plotWidth))\" role=\"img\" aria-label=\"timeline\">")
        // Axis (labels redrawn by the script on zoom).
        w.raw("<g id=\"axis\" class=\"axis\">")
        for k in 0...10 {
            let px = Self.labelWidth + Self.plotWidth * Double(k) / 10
            let seconds = Double(total) / 1e9 * Double(k) / 10
            w.raw("<line x1=\"\(svgNumber(px))\" x2=\"\(svgNumber(px))\" y1=\"18\" y2=\"\(svgNumber(height))\"/>")
            w.raw("<text x=\"\(svgNumber(px))\" y=\"12\">\(svgNumber(seconds)) s</text>")
        }
        w.raw("</g>")
        // Labels.
        w.raw("<g class=\"labels\">")
        for (i, station) in shownStations.enumerated() {
            let ly = stationsTop + Double(i) * stationHeight + Self.laneHeight - 4
            w.raw("<text x=\"4\" y=\"\(svgNumber(ly))\">")
            w.text("\(station.mac) " + (station.segment.isVXLAN ? "" : "vlan ") + station.segment.description)
            w.raw("</text>")
            if let fabric {
                for (k, policy) in fabric.policies.enumerated() {
                    let py = stationsTop + Double(i) * stationHeight + Self.laneHeight + Double(k) * Self.policyRowHeight + 4
                    w.raw("<text class=\"small\" x=\"\(svgNumber(Self.labelWidth - 4))\" y=\"\(svgNumber(py))\" text-anchor=\"end\">")
                    w.text(policy.rawValue)
                    w.raw("</text>")
                }
            }
        }
        w.raw("<text x=\"4\" y=\"\(svgNumber(activityTop + activityHeight / 2 + 4))\">flows in an outage (peak \(peak))</text>")
        for (i, record) in lanes.enumerated() {
            w.raw("<text x=\"4\" y=\"\(svgNumber(flowsTop + Double(i) * Self.laneHeight + Self.laneHeight - 4))\">")
            w.text(Self.flowName(record))
            w.raw("</text>")
        }
        w.raw("</g>")
        // The plot: a nested SVG whose viewBox the script narrows to zoom.
        w.raw("<svg id=\"plot\" class=\"plot\" x=\"\(svgNumber(Self.labelWidth))\" y=\"0\" width=\"\(svgNumber(Self.plotWidth))\" "
              + "height=\"\(svgNumber(height))\" viewBox=\"0 0 \(svgNumber(Self.plotWidth)) \(svgNumber(height))\" "
              + "preserveAspectRatio=\"none\">")
        w.raw("<rect class=\"hit\" x=\"0\" y=\"0\" width=\"\(svgNumber(Self.plotWidth))\" height=\"\(svgNumber(height))\"/>")
        let siteCount = max(1, topology.sites.count)
        for (i, station) in shownStations.enumerated() {
            let top = stationsTop + Double(i) * stationHeight
            let list = changes[station] ?? []
            for (k, change) in list.enumerated() {
                guard let place = change.1 else { continue }
                let end = k + 1 < list.count ? list[k + 1].0 : span.last
                let x0 = x(change.0), x1 = max(x(end), x0 + 0.5)
                let hue = Int(place.site) * 360 / siteCount
                w.raw("<rect class=\"place\" x=\"\(svgNumber(x0))\" y=\"\(svgNumber(top + 2))\" width=\"\(svgNumber(x1 - x0))\" "
                      + "height=\"\(svgNumber(Self.laneHeight - 4))\" fill=\"hsl(\(hue),55%,72%)\"><title>")
                w.text("\(station.mac) at \(placeText(place, topology)) from \(rel(change.0)) to \(rel(end))")
                w.raw("</title></rect>")
            }
            for change in list where change.2.kind == .migration || change.2.kind == .moved {
                let e = change.2
                let mx = x(e.time)
                w.raw("<line class=\"\(e.kind == .migration ? "migration" : "move")\" x1=\"\(svgNumber(mx))\" x2=\"\(svgNumber(mx))\" "
                      + "y1=\"\(svgNumber(top))\" y2=\"\(svgNumber(top + stationHeight - 2))\"><title>")
                w.text("\(e.kind.rawValue) of \(e.mac) \(e.from.map { placeText($0, topology) } ?? "?") → "
                       + "\(e.to.map { placeText($0, topology) } ?? "?") at \(e.time.rfc3339) (\(rel(e.time)))"
                       + (e.evidence.map { ", evidence \($0.rawValue)" } ?? ""))
                w.raw("</title></line>")
            }
            // Each policy's outage after each migration of this station.
            if let fabric {
                for (m, migration) in fabric.migrations.enumerated() where migration.station == station {
                    for k in fabric.policies.indices {
                        let loss = fabric.losses[k][m]
                        guard loss.lostFrames > 0 else { continue }
                        let x0 = x(migration.time)
                        let x1 = max(x(migration.time.adding(nanoseconds: loss.outage)), x0 + 1)
                        let py = top + Self.laneHeight + Double(k) * Self.policyRowHeight
                        w.raw("<rect class=\"policy-outage\" x=\"\(svgNumber(x0))\" y=\"\(svgNumber(py))\" "
                              + "width=\"\(svgNumber(x1 - x0))\" height=\"\(svgNumber(Self.policyRowHeight - 1))\"><title>")
                        w.text("\(fabric.policies[k].rawValue): \(loss.lostFrames) frames lost over "
                               + svgNumber(Double(loss.outage) / 1e9) + " s after the migration at \(rel(migration.time))")
                        w.raw("</title></rect>")
                    }
                }
            }
        }
        // Activity histogram.
        let bucketWidth = Self.plotWidth / Double(buckets)
        for (i, count) in activity.enumerated() where count > 0 {
            let h = Double(count) / Double(peak) * activityHeight
            w.raw("<rect class=\"activity\" x=\"\(svgNumber(Double(i) * bucketWidth))\" y=\"\(svgNumber(activityTop + activityHeight - h))\" "
                  + "width=\"\(svgNumber(bucketWidth))\" height=\"\(svgNumber(h))\"><title>\(count) flows in an outage</title></rect>")
        }
        // Worst flows' outages.
        for (i, record) in lanes.enumerated() {
            let top = flowsTop + Double(i) * Self.laneHeight
            for o in record.flow.outages {
                let x0 = x(o.start), x1 = max(x(o.end), x0 + 0.5)
                w.raw("<rect class=\"outage cause-\(o.cause.rawValue)\" x=\"\(svgNumber(x0))\" y=\"\(svgNumber(top + 3))\" "
                      + "width=\"\(svgNumber(x1 - x0))\" height=\"\(svgNumber(Self.laneHeight - 6))\"><title>")
                w.text("\(o.cause.rawValue), \(record.direction(o)): \(o.frames) frames from \(rel(o.start)) to \(rel(o.end))")
                w.raw("</title></rect>")
            }
        }
        w.raw("<line id=\"cursor\" class=\"cursor\" x1=\"-10\" x2=\"-10\" y1=\"0\" y2=\"\(svgNumber(height))\"/>")
        w.raw("</svg></svg>")
        w.raw("<p class=\"legend\">")
        for (i, site) in topology.sites.enumerated() {
            w.raw("<span class=\"key\" style=\"background:hsl(\(i * 360 / siteCount),55%,72%)\"></span>")
            w.text("site " + site.name)
        }
        w.raw("<span class=\"key migration\"></span>migration (other site) "
              + "<span class=\"key move\"></span>move (same site) <span class=\"key policy-outage\"></span>frames lost under a policy "
              + "<span class=\"key outage\"></span>outage of a flow (hover for cause)</p>")
        w.close("section")
    }

    static func flowName(_ r: FlowRecord) -> String { r.conversationText }

    // MARK: Tables

    private func outages(_ w: inout HTMLWriter) {
        let p = postmortem
        let topology = p.flows.topology
        let first = p.span?.first
        func rel(_ t: Timestamp) -> (String, String?) {
            guard let first else { return (t.rfc3339, nil) }
            let ns = t.nanoseconds(since: first)
            return (secondsText(ns), String(Double(ns) / 1e9))
        }
        w.open("section", [("id", "outages")])
        w.element("h2", [], "Outages, worst flow first")
        let listed = p.embeddedFlows.filter { !$0.flow.outages.isEmpty }
        let affected = p.flows.flows.reduce(0) { $0 + ($1.flow.outages.isEmpty ? 0 : 1) }
        var rows: [[(String, String?)]] = []
        let maximumRows = 5_000
        var omittedRows = 0
        for (rank, record) in listed.enumerated() {
            for o in record.outagesWorstFirst {
                guard rows.count < maximumRows else { omittedRows += 1; continue }
                let duration = Double(o.end.nanoseconds(since: o.start)) / 1e9
                let migration = o.migration.map { e in
                    "\(e.kind.rawValue) \(e.mac) \(e.from.map { placeText($0, topology) } ?? "?") → "
                        + "\(e.to.map { placeText($0, topology) } ?? "?") at \(rel(e.time).0) s"
                } ?? ""
                rows.append([(String(rank + 1), String(rank + 1)), (Self.flowName(record), nil),
                              (record.segment.description, nil), (o.cause.rawValue, nil), (record.direction(o), nil),
                              rel(o.start), rel(o.end), (svgNumber(duration), String(duration)),
                              (String(o.frames), String(o.frames)), (migration, nil)])
            }
        }
        var note = "\(affected) of \(p.flows.flows.count) flows had an outage"
        if p.flows.flows.count > p.embeddedFlows.count {
            note += "; the worst \(p.embeddedFlows.count) flows are listed and embedded, the other "
                + "\(p.flows.flows.count - p.embeddedFlows.count) are summarised in this count"
        }
        if omittedRows > 0 { note += "; \(omittedRows) more outage rows not shown" }
        note += ". Times are seconds after the first packet; causes are inferred from the capture alone (roamcap flows)."
        w.table(id: "outage-table", header: ["rank", "flow", "vlan", "cause", "direction", "start (s)", "end (s)",
                                             "seconds", "frames", "migration"], rows: rows, note: note)
        w.close("section")
    }

    private func policies(_ w: inout HTMLWriter) {
        let p = postmortem
        w.open("section", [("id", "policies")])
        w.element("h2", [], "Policies side by side")
        guard let fabric = p.fabric else {
            w.element("p", [("class", "note")], "No topology was given: the fabric was not simulated.")
            w.close("section")
            return
        }
        var rows: [[(String, String?)]] = []
        func row(_ label: String, _ value: (Int) -> Int) {
            rows.append([(label, nil)] + fabric.policies.indices.map { (String(value($0)), String(value($0))) })
        }
        row("frames") { fabric.counts[$0].frames }
        row("delivered") { fabric.counts[$0].delivered }
        row("misdelivered") { fabric.counts[$0].misdelivered }
        for cause in DropCause.allCases { row("dropped " + cause.rawValue) { fabric.counts[$0].dropped(cause) } }
        row("in transit") { fabric.counts[$0].inTransit }
        row("excess copies") { fabric.counts[$0].excessCopies }
        row("lost after migrations") { k in fabric.losses[k].reduce(0) { $0 + $1.lostFrames } }
        w.table(id: "policy-table", header: ["count"] + fabric.policies.map(\.rawValue), rows: rows)
        let topology = fabric.topology
        var moves: [[(String, String?)]] = []
        for (m, migration) in fabric.migrations.enumerated() {
            var row: [(String, String?)] = [(migration.time.rfc3339, nil), (migration.station.mac.description, nil),
                                            (placeText(migration.from, topology) + " → " + placeText(migration.to, topology), nil)]
            for k in fabric.policies.indices {
                let loss = fabric.losses[k][m]
                let seconds = Double(loss.outage) / 1e9
                row.append(("\(loss.lostFrames) lost, \(svgNumber(seconds)) s", String(loss.lostFrames)))
            }
            moves.append(row)
        }
        w.element("h3", [], "Each migration under each policy")
        w.table(id: "migration-table", header: ["time", "mac", "move"] + fabric.policies.map(\.rawValue), rows: moves)
        w.close("section")
    }

    private func instant(_ w: inout HTMLWriter) {
        w.open("section", [("id", "instant")])
        w.element("h2", [], "Stations and ARP/ND bindings at an instant")
        w.raw("<p class=\"controls\">Instant (seconds after the first packet): <input id=\"instant-input\" type=\"number\" "
              + "step=\"any\" value=\"0\"> <span id=\"instant-time\"></span> — or click the timeline "
              + "(a link to this page ending in #t=SECONDS opens at that instant).</p>")
        w.element("p", [("class", "note")], "Rebuilt in the page from the embedded events: where each station was "
                  + "last seen and the latest MAC of each address at that instant. Each site's own MAC table, with "
                  + "aging, is what 'roamcap tables --at SECONDS' prints.")
        w.raw("<div class=\"two\"><div><h3>Stations</h3><table id=\"mac-at\" class=\"data\"><thead><tr><th>site/port</th>"
              + "<th>vlan</th><th>mac</th><th>since</th></tr></thead><tbody></tbody></table></div>"
              + "<div><h3>ARP/ND bindings</h3><table id=\"arp-at\" class=\"data\"><thead><tr><th>vlan</th><th>ip</th><th>mac</th>"
              + "<th>since</th></tr></thead><tbody></tbody></table></div></div>")
        w.close("section")
    }

    private func events(_ w: inout HTMLWriter) {
        let p = postmortem
        let topology = p.tables.topology
        let maximumRows = 3_000
        var rows: [[(String, String?)]] = []
        var total = 0
        // As the human table of `tables`: moves show the addresses bound to the MAC that moved.
        let flat = TableEvent.flatRows(p.tables.events, topology)
        for (e, row) in zip(p.tables.events, flat) where e.kind != .newStation {
            total += 1
            guard rows.count < maximumRows else { continue }
            rows.append([(e.time.rfc3339, nil), (String(e.packet), String(e.packet)), (e.kind.rawValue, nil),
                         (e.segment.description, nil), (e.mac.description, nil), (Report.cellText(row, "ip"), nil),
                         (e.from.map { placeText($0, topology) } ?? "", nil), (e.to.map { placeText($0, topology) } ?? "", nil),
                         (e.evidence?.rawValue ?? "", nil)])
        }
        w.open("section", [("id", "events")])
        w.element("h2", [], "Table events")
        var note = "\(p.tables.events.count) events (roamcap tables); new stations are left out here"
        if total > rows.count { note += "; the first \(rows.count) of \(total) others are shown" }
        if p.tables.events.count > p.embeddedEvents.count {
            note += "; the first \(p.embeddedEvents.count) events are embedded"
        }
        w.table(id: "event-table", header: ["time", "packet", "event", "vlan", "mac", "ip", "from", "to", "evidence"],
                rows: rows, note: note + ".")
        w.close("section")
    }
}
