/// A small HTML writer: elements, escaped text and attributes, appended to one string.
struct HTMLWriter {
    private(set) var text = ""

    init() { text.reserveCapacity(1 << 20) }

    /// `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    mutating func raw(_ s: String) { text += s }

    mutating func text(_ s: String) { text += HTMLWriter.escape(s) }

    /// `<name a="v"…>`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(HTMLWriter.escape(value))\"" }
        text += ">"
    }

    mutating func close(_ name: String) { text += "</\(name)>" }

    /// `<name …>escaped text</name>`.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], _ content: String) {
        open(name, attributes)
        self.text(content)
        close(name)
    }

    /// A table with a header row, sortable and filterable by the page's script; each cell is
    /// (text, sort key), the key numeric where it sorts as a number.
    mutating func table(id: String, header: [String], rows: [[(String, String?)]], note: String? = nil) {
        open("div", [("class", "table-block")])
        open("input", [("class", "filter"), ("type", "search"), ("placeholder", "filter rows…"), ("data-table", id)])
        if let note { element("span", [("class", "note")], note) }
        open("table", [("id", id), ("class", "data")])
        open("thead")
        open("tr")
        for h in header { element("th", [("title", "sort")], h) }
        close("tr")
        close("thead")
        open("tbody")
        for row in rows {
            text += "<tr>"
            for (cell, key) in row {
                if let key { text += "<td data-v=\"\(HTMLWriter.escape(key))\">" } else { text += "<td>" }
                text += HTMLWriter.escape(cell)
                text += "</td>"
            }
            text += "</tr>"
        }
        close("tbody")
        close("table")
        close("div")
    }
}

/// A number in SVG coordinates: at most 2 decimals, no trailing zeros.
func svgNumber(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    if r == r.rounded() { return String(Int64(r)) }
    return String(r)
}
