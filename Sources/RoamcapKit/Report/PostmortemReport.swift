import CaptureFile

// The data `roamcap report` embeds in its page (SPEC §7): each command's own JSON, unchanged,
// under the four names of `<script type="application/json" id="roamcap-report">`.

extension Postmortem {
    /// The flows embedded and listed: the worst `topFlows`, as `flows --top N` prints them.
    public var embeddedFlows: ArraySlice<FlowRecord> { flows.flows.prefix(options.topFlows) }
    /// The events embedded: the first `maximumEvents` in time order, as `tables --format ndjson`.
    public var embeddedEvents: ArraySlice<TableEvent> { tables.events.prefix(options.maximumEvents) }

    /// `{"info": [...], "events": [...], "simulate": {...} | null, "flows": [...]}`: `info --format
    /// json`, `tables --format ndjson` as an array, `simulate --format json` (null without a
    /// topology) and `flows --format json` (no policy), for the same inputs.
    public var embeddedJSON: JSONValue {
        .object([
            ("info", .array(summaries.map(\.json))),
            ("events", .array(embeddedEvents.map { $0.json(tables.topology) })),
            ("simulate", fabric?.json ?? .null),
            ("flows", .array(embeddedFlows.map { $0.json(flows.topology) })),
        ])
    }

    /// The embedded JSON as text safe inside a `<script>` element: every `</` written `<\/`
    /// (the same JSON string once parsed), so no value can close the element.
    public var embeddedScriptText: String {
        embeddedJSON.rendered().replacingOccurrences(of: "</", with: "<\\/")
    }
}
