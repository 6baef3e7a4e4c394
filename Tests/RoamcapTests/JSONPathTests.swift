import RoamcapKit
import Testing

/// JSONPath (RFC 9535): the RFC's own examples as tables, then the edge cases verify relies on.
@Suite struct JSONPathTests {
    static func json(_ text: String) -> JSONValue {
        do { return try JSONValue.parse(text) } catch { fatalError("bad test JSON: \(error)") }
    }

    /// The values a query selects, as one compact JSON array.
    static func select(_ path: String, _ document: JSONValue) throws -> String {
        JSONValue.array(try JSONPath(path).select(document)).rendered()
    }

    /// RFC 9535 §1.5, Figure 1.
    static let bookstore = json("""
        { "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99 }
            ],
            "bicycle": { "color": "red", "price": 399 }
          }
        }
        """)

    static let books = [
        #"{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95}"#,
        #"{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99}"#,
        #"{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99}"#,
        #"{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}"#,
    ]

    /// RFC 9535 Table 2 (the bookstore queries): query, expected values.
    static let bookstoreTable: [(String, String)] = [
        ("$.store.book[*].author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$..author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$.store.*", "[[\(books.joined(separator: ","))],{\"color\":\"red\",\"price\":399}]"),
        ("$.store..price", "[8.95,12.99,8.99,22.99,399]"),
        ("$..book[2]", "[\(books[2])]"),
        ("$..book[2].author", #"["Herman Melville"]"#),
        ("$..book[2].publisher", "[]"),
        ("$..book[-1]", "[\(books[3])]"),
        ("$..book[0,1]", "[\(books[0]),\(books[1])]"),
        ("$..book[:2]", "[\(books[0]),\(books[1])]"),
        ("$..book[?@.isbn]", "[\(books[2]),\(books[3])]"),
        ("$..book[?@.price<10]", "[\(books[0]),\(books[2])]"),
    ]

    @Test(arguments: bookstoreTable)
    func bookstore(_ path: String, _ expected: String) throws {
        #expect(try Self.select(path, Self.bookstore) == expected)
    }

    @Test func bookstoreEverything() throws {
        // $..* selects every member value and array element: 1 store + 2 (book, bicycle)
        // + 4 books + 4×4 or 4×5 book members + 2 bicycle members.
        let all = try JSONPath("$..*").select(Self.bookstore)
        #expect(all.count == 1 + 2 + 4 + (4 + 4 + 5 + 5) + 2)
        #expect(all.first?.isEqual(to: try JSONPath("$.store").select(Self.bookstore)[0]) == true)
        #expect(all.contains { $0.isEqual(to: .string("red")) })
    }

    /// The selector examples of RFC 9535 §2.3 and the segment examples of §2.5: document, query,
    /// expected values.
    static let selectorTable: [(String, String, String)] = [
        // §2.3.1.3 name selector
        (#"{"o": {"j j": {"k.k": 3}}, "'": {"@": 2}}"#, "$.o['j j']", #"[{"k.k":3}]"#),
        (#"{"o": {"j j": {"k.k": 3}}, "'": {"@": 2}}"#, "$.o['j j']['k.k']", "[3]"),
        (#"{"o": {"j j": {"k.k": 3}}, "'": {"@": 2}}"#, #"$.o["j j"]["k.k"]"#, "[3]"),
        (#"{"o": {"j j": {"k.k": 3}}, "'": {"@": 2}}"#, #"$["'"]["@"]"#, "[2]"),
        // §2.3.2.3 wildcard selector
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3]}"#, "$[*]", #"[{"j":1,"k":2},[5,3]]"#),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3]}"#, "$.o[*]", "[1,2]"),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3]}"#, "$.o[*, *]", "[1,2,1,2]"),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3]}"#, "$.a[*]", "[5,3]"),
        // §2.3.3.3 index selector
        (#"["a","b"]"#, "$[1]", #"["b"]"#),
        (#"["a","b"]"#, "$[-2]", #"["a"]"#),
        // §2.3.4.3 array slice selector
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[1:3]", #"["b","c"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[5:]", #"["f","g"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[1:5:2]", #"["b","d"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[5:1:-2]", #"["f","d"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[::-1]", #"["g","f","e","d","c","b","a"]"#),
        // §2.5.1.3 child segment
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[0, 3]", #"["a","d"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[0:2, 5]", #"["a","b","f"]"#),
        (#"["a", "b", "c", "d", "e", "f", "g"]"#, "$[0, 0]", #"["a","a"]"#),
        // §2.5.2.3 descendant segment (object members in document order)
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$..j", "[1,4]"),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$..[0]", #"[5,{"j":4}]"#),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$..[*]",
         #"[{"j":1,"k":2},[5,3,[{"j":4},{"k":6}]],1,2,5,3,[{"j":4},{"k":6}],{"j":4},{"k":6},4,6]"#),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$..*",
         #"[{"j":1,"k":2},[5,3,[{"j":4},{"k":6}]],1,2,5,3,[{"j":4},{"k":6}],{"j":4},{"k":6},4,6]"#),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$..o", #"[{"j":1,"k":2}]"#),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$.o..[*, *]", "[1,2,1,2]"),
        (#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#, "$.a..[0, 1]", #"[5,3,{"j":4},{"k":6}]"#),
        // §2.6 null semantics
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.a", "[null]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.a[0]", "[]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.a.d", "[]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.b[0]", "[null]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.b[*]", "[null]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.b[?@]", "[null]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.b[?@==null]", "[null]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.c[?@.d==null]", "[]"),
        (#"{"a": null, "b": [null], "c": [{}], "null": 1}"#, "$.null", "[1]"),
    ]

    @Test(arguments: selectorTable)
    func selectors(_ document: String, _ path: String, _ expected: String) throws {
        #expect(try Self.select(path, Self.json(document)) == expected)
    }

    /// RFC 9535 §2.3.5.3, Table 12 (the filter examples).
    static let filterDocument = json("""
        { "a": [3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}],
          "o": {"p": 1, "q": 2, "r": 3, "s": 5, "t": {"u": 6}},
          "e": "f" }
        """)

    static let filterTable: [(String, String)] = [
        ("$.a[?@.b == 'kilo']", #"[{"b":"kilo"}]"#),
        ("$.a[?(@.b == 'kilo')]", #"[{"b":"kilo"}]"#),
        ("$.a[?@>3.5]", "[5,4,6]"),
        ("$.a[?@.b]", #"[{"b":"j"},{"b":"k"},{"b":{}},{"b":"kilo"}]"#),
        ("$[?@.*]", #"[[3,5,1,2,4,6,{"b":"j"},{"b":"k"},{"b":{}},{"b":"kilo"}],{"p":1,"q":2,"r":3,"s":5,"t":{"u":6}}]"#),
        ("$[?@[?@.b]]", #"[[3,5,1,2,4,6,{"b":"j"},{"b":"k"},{"b":{}},{"b":"kilo"}]]"#),
        ("$.o[?@<3, ?@<3]", "[1,2,1,2]"),
        (#"$.a[?@<2 || @.b == "k"]"#, #"[1,{"b":"k"}]"#),
        (#"$.a[?match(@.b, "[jk]")]"#, #"[{"b":"j"},{"b":"k"}]"#),
        (#"$.a[?search(@.b, "[jk]")]"#, #"[{"b":"j"},{"b":"k"},{"b":"kilo"}]"#),
        ("$.o[?@>1 && @<4]", "[2,3]"),
        ("$.o[?@.u || @.x]", #"[{"u":6}]"#),
        ("$.a[?@.b == $.x]", "[3,5,1,2,4,6]"),
        ("$.a[?@ == @]", #"[3,5,1,2,4,6,{"b":"j"},{"b":"k"},{"b":{}},{"b":"kilo"}]"#),
    ]

    @Test(arguments: filterTable)
    func filters(_ path: String, _ expected: String) throws {
        #expect(try Self.select(path, Self.filterDocument) == expected)
    }

    /// The function extensions (RFC 9535 §2.4.4–2.4.8) over one document: query, expected.
    static let functionDocument = json("""
        [ {"name": "a", "authors": ["x", "y", "z", "w", "v"], "date": "1974-05-01", "author": "Bob", "color": {"c": "red"}},
          {"name": "b", "authors": ["x"], "date": "1974-06-01", "author": "Rob", "tags": [{"author": "p"}, {"author": "q"}]},
          {"name": "c", "authors": "xyz", "date": "1974-05-31\\n", "author": "bob", "color": [{"c": "red"}, {"c": "blue"}]},
          {"name": "dé", "date": 1974} ]
        """)

    static let functionTable: [(String, String)] = [
        ("$[?length(@.authors) >= 5].name", #"["a"]"#),
        ("$[?length(@.authors) == 3].name", #"["c"]"#),          // a string's length in scalars
        ("$[?length(@.name) == 2].name", #"["dé"]"#),
        ("$[?length(@.nothing) == 0].name", "[]"),                 // length of Nothing is Nothing
        ("$[?length(@.date) != 10].name", #"["c","dé"]"#),
        ("$[?count(@.tags[*].author) >= 2].name", #"["b"]"#),
        ("$[?count(@.*) == 5].name", #"["a","b","c"]"#),
        (#"$[?match(@.date, "1974-05-..")].name"#, #"["a"]"#),
        (#"$[?match(@.date, "1974-05-...")].name"#, "[]"),         // "." does not match a line feed
        (#"$[?search(@.date, "31.")].name"#, "[]"),
        (#"$[?search(@.date, "31[^x]")].name"#, #"["c"]"#),
        (#"$[?search(@.date, "1974-05-..")].name"#, #"["a","c"]"#),
        (#"$[?search(@.author, "[BR]ob")].name"#, #"["a","b"]"#),
        (#"$[?!match(@.author, "[BR]ob")].name"#, #"["c","dé"]"#),
        (#"$[?match(@.author, "(")].name"#, "[]"),                 // not a regular expression: false
        (#"$[?match(@.date, 1974)].name"#, "[]"),                  // not strings: false
        (#"$[?value(@..c) == "red"].name"#, #"["a"]"#),             // c: one red, the other two reds
        (#"$[?value(@.color.c) == "red" || length(value(@.color[*].c)) == 3].name"#, #"["a"]"#),
    ]

    @Test(arguments: functionTable)
    func functions(_ path: String, _ expected: String) throws {
        #expect(try Self.select(path, Self.functionDocument) == expected)
    }

    /// RFC 9535 §2.3.5.3, Table 11 (comparisons) over {"obj": {"x": "y"}, "arr": [2, 3]}: each
    /// comparison as a filter on the root, which selects its two members when it holds.
    static let comparisonTable: [(String, Bool)] = [
        ("$.absent1 == $.absent2", true),
        ("$.absent1 <= $.absent2", true),
        ("$.absent == 'g'", false),
        ("$.absent1 != $.absent2", false),
        ("$.absent != 'g'", true),
        ("1 <= 2", true),
        ("1 > 2", false),
        ("13 == '13'", false),
        ("'a' <= 'b'", true),
        ("'a' > 'b'", false),
        ("$.obj == $.arr", false),
        ("$.obj != $.arr", true),
        ("$.obj == $.obj", true),
        ("$.obj != $.obj", false),
        ("$.arr == $.arr", true),
        ("$.arr != $.arr", false),
        ("$.obj == 17", false),
        ("$.obj != 17", true),
        ("$.obj <= $.arr", false),
        ("$.obj < $.arr", false),
        ("$.obj <= $.obj", true),
        ("$.arr <= $.arr", true),
        ("1 <= $.arr", false),
        ("1 >= $.arr", false),
        ("1 > $.arr", false),
        ("1 < $.arr", false),
        ("true <= true", true),
        ("true > true", false),
    ]

    @Test(arguments: comparisonTable)
    func comparisons(_ comparison: String, _ holds: Bool) throws {
        let document = Self.json(#"{"obj": {"x": "y"}, "arr": [2, 3]}"#)
        #expect(try JSONPath("$[?\(comparison)]").select(document).count == (holds ? 2 : 0))
    }

    /// Edge cases roamcap's checks meet: missing members, numbers of both kinds, quoting,
    /// unicode names, negation, precedence.
    static let edgeTable: [(String, String, String)] = [
        // A missing member is Nothing: it equals nothing but Nothing, and is neither < nor > anything.
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k == 1]", #"[{"k":1}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k != 1]", #"[{"j":1},{"k":null}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k < 2]", #"[{"k":1}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k >= 0]", #"[{"k":1}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k == null]", #"[{"k":null}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k]", #"[{"k":1},{"k":null}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?!@.k]", #"[{"j":1}]"#),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.k.deeper == 1]", "[]"),
        (#"[{"k": 1}, {"j": 1}, {"k": null}]"#, "$[?@.x == @.y]", #"[{"k":1},{"j":1},{"k":null}]"#),
        // Numbers: 1 == 1.0 == 1e0; integers and fractions order together.
        ("[1, 1.0, 1e0, 2, 0.5, -3]", "$[?@ == 1]", "[1,1,1]"),
        ("[1, 1.0, 1e0, 2, 0.5, -3]", "$[?@ < 1]", "[0.5,-3]"),
        ("[1, 1.0, 1e0, 2, 0.5, -3]", "$[?@ >= -3 && @ <= 0.5]", "[0.5,-3]"),
        ("[1, 1.0, 1e0, 2, 0.5, -3]", "$[?@ == -0]", "[]"),
        // Strings order by Unicode scalar values; types never order across.
        (#"["a", "B", "b", "é", 1]"#, "$[?@ > 'a']", #"["b","é"]"#),
        (#"["a", "B", "b", "é", 1]"#, "$[?@ < 'a']", #"["B"]"#),
        // Quoting: both quotes, escapes, a quote of the other kind inside.
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$['it\'s']"#, "[1]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$["it's"]"#, "[1]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$["say \"hi\""]"#, "[2]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$['say "hi"']"#, "[2]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$['a\\b']"#, "[3]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$['tab\there']"#, "[4]"),
        (#"{"it's": 1, "say \"hi\"": 2, "a\\b": 3, "tab\there": 4, "/": 5}"#, #"$['\/']"#, "[5]"),
        // Unicode names: shorthand, escapes, surrogate pairs; no normalization (é ≠ e + U+0301).
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, "$.café", "[1]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, #"$['caf\u00e9']"#, "[1]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, #"$['cafe\u0301']"#, "[2]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, #"$['\uD834\uDD1E']"#, "[3]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, "$.𝄞", "[3]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, "$.日本", "[4]"),
        (#"{"café": 1, "cafe\u0301": 2, "𝄞": 3, "日本": 4}"#, "$[?@ > 2]", "[3,4]"),
        // Precedence: && binds tighter than ||; parentheses and ! change it.
        ("[1, 2, 3, 4]", "$[?@ == 1 || @ == 2 && @ == 3]", "[1]"),
        ("[1, 2, 3, 4]", "$[?(@ == 1 || @ == 2) && @ < 2]", "[1]"),
        ("[1, 2, 3, 4]", "$[?!(@ == 1 || @ == 2)]", "[3,4]"),
        ("[1, 2, 3, 4]", "$[? @ >= 3 ]", "[3,4]"),
        // Blank space between segments and inside brackets.
        (#"{"a": [{"b": 7}]}"#, "$ .a [ 0 ] .b", "[7]"),
        // Absolute queries inside a filter.
        (#"{"limit": 2, "v": [1, 2, 3]}"#, "$.v[?@ > $.limit]", "[3]"),
        // Indices out of range, a filter on a scalar, a name on an array: nothing.
        ("[1, 2]", "$[2]", "[]"),
        ("[1, 2]", "$[-3]", "[]"),
        ("[1, 2]", "$[0][?@ == 1]", "[]"),
        ("[1, 2]", "$.a", "[]"),
        ("[1, 2]", "$[0:0]", "[]"),
        ("[1, 2]", "$[::0]", "[]"),
        // roamcap's own shape.
        (#"[{"event": "migration", "mac": "02:00:00:00:00:07", "to": {"site": "C"}}, {"event": "moved", "mac": "02:00:00:00:00:07", "to": {"site": "A"}}]"#,
         "$[?@.event == 'migration' && @.mac == '02:00:00:00:00:07'].to.site", #"["C"]"#),
    ]

    @Test(arguments: edgeTable)
    func edgeCases(_ document: String, _ path: String, _ expected: String) throws {
        #expect(try Self.select(path, Self.json(document)) == expected)
    }

    /// Paths the grammar refuses, with the column of the mistake.
    static let badPaths: [(String, Int, String)] = [
        ("", 1, "starts with '$'"),
        ("store.book", 1, "starts with '$'"),
        (" $.a", 1, "starts with '$'"),
        ("$.a ", 4, "unexpected"),
        ("$.", 3, "member name"),
        ("$.1a", 3, "member name"),
        ("$..", 4, "after '..'"),
        ("$[", 3, "selector"),
        ("$[0", 4, "expected ',' or ']'"),
        ("$['a]", 3, "unterminated"),
        ("$['a\\x']", 5, "invalid escape"),
        ("$[\"a'\"]x", 8, "unexpected"),
        ("$['a\\\"']", 5, "invalid escape"),
        ("$['\\uD834']", 4, "surrogate"),
        ("$['\\uDD1E']", 4, "low surrogate"),
        ("$[01]", 3, "leading zero"),
        ("$[-0]", 3, "-0"),
        ("$[9007199254740992]", 3, "out of range"),
        ("$[?@.a = 1]", 8, "expected ',' or ']'"),
        ("$[?@.a == ]", 11, "expected a query"),
        ("$[?@.a === 1]", 10, "expected a query"),
        ("$[?@.* == 1]", 4, "singular"),
        ("$[?@..a == 1]", 4, "singular"),
        ("$[?1 == @[0:1]]", 9, "singular"),
        ("$[?@[ 'a' ] == 1]", 4, "singular"),
        ("$[?true]", 4, "literal"),
        ("$[?'a']", 4, "literal"),
        ("$[?!@.a == 1]", 9, "negated"),
        ("$[?(@.a == 1]", 13, "expected ')'"),
        ("$[?(@.a == 1", 13, "unclosed"),
        // Function well-typedness (RFC 9535 §2.4.9 and its examples).
        ("$[?length(@.*) < 3]", 11, "singular"),
        ("$[?count(1) == 1]", 10, "takes a query"),
        ("$[?count(foo(@.*)) == 1]", 10, "takes a query"),
        ("$[?match(@.timezone, 'Europe/.*') == true]", 4, "true or false"),
        ("$[?value(@..color)]", 4, "gives a value"),
        ("$[?length(@.a)]", 4, "gives a value"),
        ("$[?foo(@.a)]", 4, "unknown function foo()"),
        ("$[?length(@.a, @.b) > 1]", 16, "takes 1 argument"),
        ("$[?match(@.a) ]", 4, "takes 2 arguments, not 1"),
        ("$[?length(@.a > 1]", 15, "expected ',' or ')'"),
        ("$[?!length(@.a)]", 5, "only match() and search()"),
        ("$[?@.a == True]", 11, "expected a query"),
        ("$[?@.a == 01]", 11, "leading zero"),
        ("$[?@.a == 1.]", 13, "digit after '.'"),
        ("$[?@.a && ]", 11, "expected a query"),
        ("$.a[?@.b == 'x' || ]", 20, "expected a query"),
        ("$['a'\u{01}]", 6, "expected ',' or ']'"),
        ("$['a\u{01}']", 5, "control character"),
    ]

    @Test(arguments: badPaths)
    func badPathsNameTheColumn(_ path: String, _ column: Int, _ words: String) {
        #expect {
            try JSONPath(path)
        } throws: { error in
            guard let error = error as? JSONPathError else { return false }
            #expect(error.column == column, "\(path): \(error)")
            #expect(error.message.contains(words), "\(path): \(error)")
            return true
        }
    }

    @Test func jsonParserRoundTrips() throws {
        let text = #"{"a":[1,-2,3.5,1e+300,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud834\udd1e"],"b":{},"c":[]}"#
        let value = try JSONValue.parse(text)
        #expect(value.rendered() == #"{"a":[1,-2,3.5,1e+300,true,false,null,"x\"\\/\u0008\u000c\n\r\té𝄞"],"b":{},"c":[]}"#)
        #expect(try JSONValue.parse(" [ ] ").rendered() == "[]")
        #expect(try JSONValue.parseLines("{\"a\":1}\n\n{\"a\":2}\n").count == 2)
        for bad in ["", "[1,]", "{\"a\" 1}", "01", "[1] 2", "\"\u{01}\"", "\"\\ud834\"", "tru", "-", "1.", "{\"a\":}"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(bad) }
        }
        #expect {
            try JSONValue.parseLines("{\"a\":1}\n{\"a\":}\n")
        } throws: { error in
            (error as? JSONParseError)?.line == 2 && (error as? JSONParseError)?.column == 6
        }
    }
}
