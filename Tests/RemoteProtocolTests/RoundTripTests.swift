import Testing
import NetCore
@testable import RemoteProtocol

/// Values of the payload types that the captures do not exercise: each must survive
/// encode → decode unchanged and re-encode to the same bytes.
@Suite("payload round trips")
struct RoundTripTests {
    static let uuid = (try? LibvirtUUID("c7a5fdbd-edaf-9455-926a-d65c16db1809")) ?? LibvirtUUID.random()
    static let network = NetworkReference(name: "default", uuid: uuid)
    static let port = NetworkPortReference(network: network, uuid: uuid)
    static let bandwidth = NetworkPortParameterName.all.enumerated().map { index, name in
        TypedParameter(field: name, value: .uint(UInt32(100 * (index + 1))))
    }

    static let samples: [any XDRCodable & Hashable] = [
        XDRVoid(),
        ConnectOpenArgs(name: nil, flags: ConnectOpenArgs.readOnlyFlag),
        AuthListRet(types: [.polkit, .sasl, .none]),
        ConnectSupportsFeatureArgs(.networkUpdateHasCorrectOrder),
        UnsignedHyperRet(9_000_000),
        ConnectSetIdentityArgs(params: [
            TypedParameter(field: "user-id", value: .ullong(1000)),
            TypedParameter(field: "process-id", value: .llong(4242)),
            TypedParameter(field: "selinux-context", value: .string("system_u:system_r:virtqemud_t:s0")),
        ]),
        ConnectListNetworksRet(names: ["default", "probe1", ""]),
        ConnectListAllNetworksRet(networks: [network, network], count: 2),
        XMLFlagsArgs(xml: "<network><name>n</name></network>", flags: 1),
        NetworkSetAutostartArgs(network: network, autostart: 1),
        NetworkGetDHCPLeasesArgs(network: network, mac: "52:54:00:7b:35:93", needResults: 1),
        NetworkGetDHCPLeasesRet(leases: [
            NetworkDHCPLease(interface: "virbr0", expiryTime: 1_795_510_693, type: 0, mac: "52:54:00:7b:35:93",
                             iaid: nil, ipAddress: "192.168.122.50", prefix: 24, hostname: "vm1", clientID: "01:52:54"),
            NetworkDHCPLease(interface: "virbr0", expiryTime: -1, type: 1, mac: nil, iaid: "12345",
                             ipAddress: "fd00::50", prefix: 64, hostname: nil, clientID: nil),
        ], count: 2),
        NetworkPortGetParametersArgs(port: port, parameterCount: 0),
        NetworkPortGetParametersRet(params: bandwidth, parameterCount: Int32(bandwidth.count)),
        NetworkPortSetParametersArgs(port: port, params: bandwidth),
        NetworkPortCreateXMLArgs(network: network, xml: "<networkport/>", flags: 2),
        ConnectNetworkEventRegisterAnyArgs(eventID: NetworkEventID.lifecycle.rawValue, network: network),
        NetworkEventLifecycleMessage(callbackID: 7, network: network, event: .undefined),
        NodeDeviceEventLifecycleMessage(callbackID: 1, device: NodeDeviceReference(name: "net_eth0"), event: 1),
        NodeDeviceEventUpdateMessage(callbackID: 1, device: NodeDeviceReference(name: "net_eth0")),
        ConnectNodeDeviceEventRegisterAnyArgs(eventID: 1, device: NodeDeviceReference(name: "net_eth0")),
        ConnectListAllInterfacesRet(items: [InterfaceReference(name: "lo", mac: "00:00:00:00:00:00")], count: 1),
        NodeListDevicesArgs(capability: "net", maxNames: 16),
        NodeNumOfDevicesArgs(capability: nil),
        NameIntArgs(name: "mdev_1", value: 1),
        RemoteString(nil),
        RemoteError(code: 57, domain: 26, message: "Interface not found: eth9",
                    domainObject: DomainReference(name: "vm1", uuid: uuid, id: -1),
                    str1: nil, str2: nil, str3: "x", int1: 3, int2: 4, network: network),
    ]

    @Test("sample payloads round-trip", arguments: samples.indices)
    func roundTrip(_ index: Int) throws {
        let value = Self.samples[index]
        let encoded = try value.xdrBytes()
        #expect(encoded.count % 4 == 0)
        let decoded = try type(of: value).init(xdrBytes: encoded)
        #expect(AnyHashable(decoded) == AnyHashable(value))
        #expect(try decoded.xdrBytes() == encoded)
    }

    @Test("a PatchbayError survives the wire", arguments: [
        PatchbayError(.noNetwork, "no network with matching name 'x'"),
        PatchbayError(.operationInvalid, "network 'default' is not active"),
        PatchbayError(.noSupport, "", domain: .interface),
        PatchbayError(.operationDenied, "read only access prevents virNetworkCreate", domain: .none),
    ])
    func errorRoundTrip(_ error: PatchbayError) throws {
        let remote = try RemoteError(xdrBytes: try RemoteError(error).xdrBytes())
        #expect(remote.level == RemoteError.levelError)
        #expect(remote.message == error.message)
        #expect(remote.patchbayError == error)
    }

    @Test("an error code NetCore does not name keeps the peer's text as an RPC error")
    func unknownCode() {
        // 45 is VIR_ERR_AUTH_FAILED, which NetCore does not name.
        let remote = RemoteError(code: 45, domain: 26, message: "authentication failed: eth9")
        #expect(remote.patchbayError == PatchbayError(.rpc, "authentication failed: eth9", domain: .interface))
    }

    @Test("the largest legal packet passes the frame decoder; one byte more does not encode")
    func largestPacket() throws {
        let header = PacketHeader(program: .remote, procedure: 43, type: .reply, serial: 5)
        let payload = [UInt8](repeating: 0x41, count: Int(FrameLimits.maxMessage) - PacketHeader.encodedLength)
        let frame = try Packet(header: header, payload: payload).encoded()
        #expect(frame.count == Int(FrameLimits.maxPacketLength))
        var decoder = FrameDecoder()
        let packets = try decoder.append(frame)
        #expect(packets.count == 1 && packets.first?.payload.count == payload.count)
    }
}
