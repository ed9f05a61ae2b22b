import Testing
import NetCore
@testable import RemoteProtocol

/// RFC 4506 encodings of the primitive types, checked against hand-written bytes.
@Suite("XDR primitives")
struct XDRPrimitiveTests {
    @Test("integers are big endian, hypers are 8 bytes", arguments: [
        (Int64(1), "0000000000000001"),
        (Int64(-1), "ffffffffffffffff"),
        (Int64(9_000_000), "0000000000895440"),
        (Int64.min, "8000000000000000"),
    ])
    func hyper(_ value: Int64, _ expected: String) throws {
        #expect(hex(try value.xdrBytes()) == expected)
        #expect(try Int64(xdrBytes: bytes(hex: expected)) == value)
    }

    @Test("int and unsigned int", arguments: [
        (Int32(0), "00000000"), (Int32(1), "00000001"), (Int32(-1), "ffffffff"), (Int32.max, "7fffffff"),
    ])
    func int(_ value: Int32, _ expected: String) throws {
        #expect(hex(try value.xdrBytes()) == expected)
        #expect(try Int32(xdrBytes: bytes(hex: expected)) == value)
        #expect(try UInt32(xdrBytes: bytes(hex: expected)) == UInt32(bitPattern: value))
    }

    @Test("double uses the IEEE bit pattern")
    func double() throws {
        #expect(hex(try 1.5.xdrBytes()) == "3ff8000000000000")
        #expect(try Double(xdrBytes: bytes(hex: "3ff8000000000000")) == 1.5)
    }

    @Test("bool is 0 or 1 and nothing else", arguments: ["00000002", "ffffffff", "80000000"])
    func badBool(_ input: String) {
        #expect(throws: XDRError.self) { _ = try Bool(xdrBytes: bytes(hex: input)) }
    }

    @Test("strings are length, bytes, zero padding to four", arguments: [
        ("", "00000000"),
        ("a", "0000000161000000"),
        ("br0", "0000000362723000"),
        ("abcd", "0000000461626364"),
        ("network", "000000076e6574776f726b00"),
    ])
    func string(_ text: String, _ expected: String) throws {
        var encoder = XDREncoder()
        try encoder.encodeString(text, maxLength: 100)
        #expect(hex(encoder.bytes) == expected)
        var decoder = XDRDecoder(bytes(hex: expected))
        #expect(try decoder.decodeString(maxLength: 100) == text)
        #expect(decoder.remaining == 0)
    }

    @Test("a string longer than its maximum is refused both ways")
    func stringMaximum() throws {
        var encoder = XDREncoder()
        #expect(throws: XDRError.lengthExceedsMaximum(length: 5, maximum: 4)) {
            try encoder.encodeString("abcde", maxLength: 4)
        }
        var decoder = XDRDecoder(bytes(hex: "000000056162636465000000"))
        #expect(throws: XDRError.lengthExceedsMaximum(length: 5, maximum: 4)) {
            _ = try decoder.decodeString(maxLength: 4)
        }
    }

    @Test("strings must be UTF-8")
    func invalidUTF8() {
        var decoder = XDRDecoder(bytes(hex: "00000002c328" + "0000"))
        #expect(throws: XDRError.invalidUTF8) { _ = try decoder.decodeString(maxLength: 10) }
    }

    @Test("optional data: 0 absent, 1 present, anything else refused")
    func optional() throws {
        #expect(hex(try RemoteString(nil).xdrBytes()) == "00000000")
        #expect(hex(try RemoteString("lo").xdrBytes()) == "00000001000000026c6f0000")
        #expect(try RemoteString(xdrBytes: bytes(hex: "00000001000000026c6f0000")) == RemoteString("lo"))
        #expect(throws: XDRError.invalidOptionalDiscriminant(2)) {
            _ = try RemoteString(xdrBytes: bytes(hex: "00000002"))
        }
    }

    @Test("variable arrays check their maximum count before reading elements")
    func arrays() throws {
        var encoder = XDREncoder()
        try encoder.encodeArray([Int32(1), 2, 3], maxCount: 3)
        #expect(hex(encoder.bytes) == "00000003000000010000000200000003")
        #expect(throws: XDRError.lengthExceedsMaximum(length: 4, maximum: 3)) {
            var tooMany = XDREncoder()
            try tooMany.encodeArray([Int32(1), 2, 3, 4], maxCount: 3)
        }
        var decoder = XDRDecoder(bytes(hex: "00000004"))
        #expect(throws: XDRError.lengthExceedsMaximum(length: 4, maximum: 3)) {
            _ = try decoder.decodeArray(Int32.self, maxCount: 3)
        }
    }

    @Test("fixed opaque has no length word and checks its size")
    func fixedOpaque() throws {
        let uuid = try LibvirtUUID("11111111-2222-3333-4444-555555555555")
        #expect(hex(try uuid.xdrBytes()) == "11111111222233334444555555555555")
        var encoder = XDREncoder()
        #expect(throws: XDRError.wrongFixedLength(expected: 16, actual: 3)) {
            try encoder.encodeFixedOpaque([1, 2, 3], count: 16)
        }
        #expect(throws: XDRError.truncated(needed: 16, available: 15)) {
            _ = try LibvirtUUID(xdrBytes: Array(repeating: 0, count: 15))
        }
    }

    @Test("discriminated unions: every typed-parameter arm round-trips", arguments: [
        TypedParameterValue.int(-5), .uint(1000), .llong(-1), .ullong(UInt64.max), .double(0.25),
        .boolean(true), .boolean(false), .string("inbound.average"),
    ])
    func typedParameterArms(_ value: TypedParameterValue) throws {
        let parameter = TypedParameter(field: NetworkPortParameterName.inboundAverage, value: value)
        let encoded = try parameter.xdrBytes()
        #expect(try TypedParameter(xdrBytes: encoded) == parameter)
        #expect(Array(encoded[20..<24]) == (try value.discriminant.xdrBytes()))
    }

    @Test("a union discriminant with no arm is a typed error", arguments: [Int32(0), 8, -1, 0x7fff_ffff])
    func badDiscriminant(_ discriminant: Int32) throws {
        let data = try discriminant.xdrBytes() + [0, 0, 0, 0]
        #expect(throws: XDRError.invalidUnionDiscriminant(type: "remote_typed_param_value", value: discriminant)) {
            _ = try TypedParameterValue(xdrBytes: data)
        }
    }

    @Test("a typed uint parameter has libvirt's exact bytes")
    func typedUintBytes() throws {
        let parameter = TypedParameter(field: "inbound.floor", value: .uint(500))
        #expect(hex(try parameter.xdrBytes())
            == "0000000d" + "696e626f756e642e666c6f6f72000000" + "00000002" + "000001f4")
    }

    @Test("a whole-payload decode refuses trailing bytes")
    func trailing() {
        #expect(throws: XDRError.trailingBytes(count: 4)) { _ = try Int32(xdrBytes: bytes(hex: "0000000100000002")) }
    }
}
