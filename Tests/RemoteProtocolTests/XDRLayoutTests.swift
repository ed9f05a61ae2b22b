import NetCore
import Testing
@testable import RemoteProtocol

/// A message using every kind of declared field, with small bounds so they are cheap to exceed.
struct LayoutSample: XDRStruct, Hashable {
    var number: Int32
    var flag: Bool
    var name: String
    var note: String?
    var network: NetworkReference?
    var uuids: [LibvirtUUID]
    var names: [String]
    var kind: AuthType

    static let four: UInt32 = 4, three: UInt32 = 3, two: UInt32 = 2
    static let xdrLayout = XDRLayout(
        Self.init, .field(\.number), .intFlag(\.flag), .string(\.name, max: four), .string(\.note, max: four),
        .optional(\.network), .array(\.uuids, max: two), .strings(\.names, max: two, elementMax: three), .field(\.kind)
    )
}

/// The bytes `LayoutSample` must have, written with the encoder's primitives field by field (the form
/// RFC 4506 gives each declaration), independently of the layout.
func expectedBytes(_ sample: LayoutSample) throws -> [UInt8] {
    var encoder = XDREncoder()
    encoder.encode(sample.number)
    encoder.encode(sample.flag ? Int32(1) : 0)
    try encoder.encodeString(sample.name, maxLength: 4)
    try encoder.encodeOptionalString(sample.note, maxLength: 4)
    if let network = sample.network {
        encoder.encode(UInt32(1))
        try encoder.encodeString(network.name, maxLength: RemoteLimits.string)
        try encoder.encodeFixedOpaque(network.uuid.bytes, count: 16)
    } else {
        encoder.encode(UInt32(0))
    }
    encoder.encode(UInt32(sample.uuids.count))
    for uuid in sample.uuids { try encoder.encodeFixedOpaque(uuid.bytes, count: 16) }
    encoder.encode(UInt32(sample.names.count))
    for name in sample.names { try encoder.encodeString(name, maxLength: 3) }
    encoder.encode(sample.kind.rawValue)
    return encoder.bytes
}

private let uuid = (try? LibvirtUUID(bytes: Array(1...16))) ?? LibvirtUUID.random()
private let otherUUID = LibvirtUUID.random()

/// A declared layout produces the XDR of its fields in order, and reads back what it wrote.
@Suite("declared layouts")
struct XDRLayoutTests {
    static let samples: [LayoutSample] = [
        LayoutSample(number: 0, flag: false, name: "", note: nil, network: nil, uuids: [], names: [], kind: .none),
        LayoutSample(number: -7, flag: true, name: "abcd", note: "x", network: NetworkReference(name: "default", uuid: uuid),
               uuids: [uuid, otherUUID], names: ["a", "abc"], kind: .polkit),
        LayoutSample(number: .max, flag: true, name: "é", note: "", network: nil, uuids: [uuid], names: [""], kind: .sasl),
    ]

    @Test("fields are written in declaration order in their XDR form and read back", arguments: samples)
    func roundTrip(_ sample: LayoutSample) throws {
        let bytes = try sample.xdrBytes()
        #expect(bytes == (try expectedBytes(sample)))
        #expect(try LayoutSample(xdrBytes: bytes) == sample)
    }

    /// Each declared bound, exceeded by one on the wire: (description, bytes, length, maximum).
    static let overlong: [(String, [UInt8], UInt32, UInt32)] = {
        var cases: [(String, [UInt8], UInt32, UInt32)] = []
        let prefix: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1]
        cases.append(("string name<4>", prefix + [0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0], 5, 4))
        let name: [UInt8] = [0, 0, 0, 1, 0x61, 0, 0, 0]
        cases.append(("string *note<4>", prefix + name + [0, 0, 0, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0], 5, 4))
        let note: [UInt8] = [0, 0, 0, 0]
        let network: [UInt8] = [0, 0, 0, 0]
        cases.append(("remote_uuid uuids<2>", prefix + name + note + network + [0, 0, 0, 3] + Array(repeating: 0, count: 48), 3, 2))
        let uuids: [UInt8] = [0, 0, 0, 0]
        cases.append(("string names<2>", prefix + name + note + network + uuids + [0, 0, 0, 3] + Array(repeating: 0, count: 12), 3, 2))
        cases.append(("names' elements string<3>", prefix + name + note + network + uuids + [0, 0, 0, 1, 0, 0, 0, 4, 1, 2, 3, 4], 4, 3))
        return cases
    }()

    @Test("a declared bound is checked on decode before anything is allocated", arguments: overlong)
    func bounds(_ field: String, _ bytes: [UInt8], _ length: UInt32, _ maximum: UInt32) {
        #expect(throws: XDRError.lengthExceedsMaximum(length: length, maximum: maximum), "\(field)") {
            _ = try LayoutSample(xdrBytes: bytes)
        }
    }

    @Test("a declared bound is checked on encode too")
    func encodeBounds() {
        var sample = Self.samples[1]
        sample.names = ["a", "b", "c"]
        #expect(throws: XDRError.lengthExceedsMaximum(length: 3, maximum: 2)) { _ = try sample.xdrBytes() }
        sample = Self.samples[1]
        sample.note = "toolong"
        #expect(throws: XDRError.lengthExceedsMaximum(length: 7, maximum: 4)) { _ = try sample.xdrBytes() }
    }

    @Test("an enum field refuses values its type does not define")
    func enumValue() throws {
        var bytes = try Self.samples[0].xdrBytes()
        bytes[bytes.count - 1] = 9
        #expect(throws: XDRError.invalidEnumValue(type: "AuthType", value: 9)) { _ = try LayoutSample(xdrBytes: bytes) }
    }

    /// libvirt's list maxima as the messages declare them: a count one over is refused.
    static let remoteLimits: [(any XDRCodable.Type, [UInt8], UInt32)] = [
        (ConnectListNetworksRet.self, [], RemoteLimits.networkList),
        (ConnectListAllNetworksRet.self, [], RemoteLimits.networkList),
        (NetworkListAllPortsRet.self, [], RemoteLimits.networkPortList),
        (NetworkGetDHCPLeasesRet.self, [], RemoteLimits.dhcpLeases),
        (ConnectListAllInterfacesRet.self, [], RemoteLimits.interfaceList),
        (ConnectListAllNodeDevicesRet.self, [], RemoteLimits.nodeDeviceList),
        (AuthListRet.self, [], RemoteLimits.authTypeList),
        (NetworkPortGetParametersRet.self, [], RemoteLimits.networkPortParameters),
        (ConnectSetIdentityArgs.self, [], RemoteLimits.identityParameters),
        (NetworkPortSetParametersArgs.self, (try? NetworkPortReference(network: NetworkReference(name: "n", uuid: uuid), uuid: uuid).xdrBytes()) ?? [],
         RemoteLimits.networkPortParameters),
    ]

    @Test("list messages refuse one element more than libvirt's REMOTE_*_MAX", arguments: 0..<remoteLimits.count)
    func remoteListLimits(_ index: Int) {
        let (type, prefix, maximum) = Self.remoteLimits[index]
        let count = maximum + 1
        let bytes = prefix + [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
        #expect(throws: XDRError.lengthExceedsMaximum(length: count, maximum: maximum), "\(type)") {
            _ = try type.init(xdrBytes: bytes)
        }
    }
}

/// The procedure table is the one declaration of what each procedure carries and does.
@Suite("procedure table")
struct ProcedureTableTests {
    @Test("every payload type of the table is a declared layout", arguments: RemoteProcedure.allCases)
    func declaredPayloads(_ procedure: RemoteProcedure) {
        guard let signature = procedure.signature else { return }
        for type in [signature.arguments, signature.result] where type != XDRVoid.self {
            #expect(type is any XDRStruct.Type, "\(procedure.libvirtName): \(type)")
        }
    }

    @Test("events carry a message and are never called or refused", arguments: RemoteProcedure.allCases.filter(\.isEvent))
    func events(_ procedure: RemoteProcedure) throws {
        let signature = try #require(procedure.signature)
        #expect(signature.result == XDRVoid.self && signature.arguments != XDRVoid.self)
        #expect(!procedure.isMutating && !procedure.isBoundedChange)
    }

    @Test("unmodelled procedures still declare whether read-only connections may call them")
    func unmodelled() {
        let unmodelled = RemoteProcedure.allCases.filter { $0.signature == nil }
        #expect(unmodelled.contains(.nodeDeviceDefineXML) && unmodelled.contains(.authSASLInit))
        #expect(RemoteProcedure.nodeDeviceDefineXML.refusal(readOnly: true)?.code == .operationDenied)
        #expect(RemoteProcedure.authSASLInit.refusal(readOnly: true) == nil)
    }

    @Test("every call a client made before CONNECT_OPEN in the captures is a handshake step")
    func handshake() throws {
        let calls = Captures.all.filter { $0.program == ProgramNumber.remote.rawValue && $0.type == 0 }
        // Labels start with the capture and end with the command that made the session, e.g.
        // "cap1 ... (net-start probe1)"; some sessions were captured without their handshake.
        let session = { (captured: CapturedPacket) in
            String(captured.label.prefix(4)) + (captured.label.split(separator: "(").last.map(String.init) ?? "")
        }
        var checked = 0
        for open in calls where open.procedure == RemoteProcedure.connectOpen.rawValue {
            for captured in calls where session(captured) == session(open) && captured.serial < open.serial {
                #expect(try RemoteProcedure(number: captured.procedure).isHandshake, "\(captured.label)")
                checked += 1
            }
        }
        #expect(checked > 0)
        #expect(!RemoteProcedure.networkLookupByName.isHandshake && !RemoteProcedure.connectRegisterCloseCallback.isHandshake)
    }

    @Test("setting the identity only changes the connection: refused read-only, no host work")
    func identity() {
        #expect(RemoteProcedure.connectSetIdentity.isMutating && RemoteProcedure.connectSetIdentity.isBoundedChange)
    }

    @Test("arguments decode only as the type the table declares")
    func argumentTypes() throws {
        let payload = try StringMessage("default").xdrBytes()
        #expect(try RemoteProcedure.networkLookupByName.decodeArguments(StringMessage.self, from: payload) == StringMessage("default"))
        // A NodeDeviceReference has the same wire form, so only the table can tell the mistake.
        #expect(throws: PatchbayError.self) {
            _ = try RemoteProcedure.networkLookupByName.decodeArguments(NodeDeviceReference.self, from: payload)
        }
        #expect(throws: PatchbayError.self) {
            _ = try RemoteProcedure.authSASLInit.decodeArguments(XDRVoid.self, from: [])
        }
    }

    @Test("a result is encoded only as the type the table declares")
    func resultTypes() throws {
        let network = NetworkMessage(NetworkReference(name: "default", uuid: uuid))
        #expect(try RemoteProcedure.networkLookupByName.encodeResult(network) == network.xdrBytes())
        do {
            _ = try RemoteProcedure.networkLookupByName.encodeResult(StringMessage("default"))
            Issue.record("a StringMessage was sent as a lookup result")
        } catch {
            #expect(error.code == .internalError)
        }
    }
}
