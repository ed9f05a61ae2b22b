import NetCore
import QMP
import Testing

@Suite struct JSONValueTests {
    static let documents: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("0", .integer(0)),
        ("-42", .integer(-42)),
        ("18446744073709551615", .double(1.8446744073709552e19)),
        ("1.5e3", .double(1500)),
        (#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#, .string("a\"b\\c/d\n\té😀")),
        ("[]", .array([])),
        ("[1, [2, {}]]", .array([.integer(1), .array([.integer(2), .object([:])])])),
        (#"{"return": {"running": true, "status": "running"}, "id": 7}"#,
         .object(["return": .object(["running": .bool(true), "status": .string("running")]), "id": .integer(7)])),
    ]

    @Test(arguments: documents)
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: documents)
    func roundTrips(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(expected.description) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "1 2", "+1", "\"\\x\"", "\"\\ud800\"",
                      String(repeating: "[", count: 500) + String(repeating: "]", count: 500), "\"a\u{01}b\""])
    func refusesMalformed(text: String) {
        #expect(throws: PatchbayError.self) { try JSONValue.parse(text) }
    }

    @Test func writesSortedCompactMembers() {
        let value: JSONValue = ["execute": "set_link", "arguments": ["name": "net0", "up": false], "id": 3]
        #expect(value.description == #"{"arguments": {"name": "net0", "up": false}, "execute": "set_link", "id": 3}"#)
        #expect(JSONValue.string("x\u{01}\"").description == #""x\u0001\"""#)
    }
}
