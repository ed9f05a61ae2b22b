import NetConf
import Testing

/// The forward-mode rules (`NetworkKind`) and the one number reader, which six switches and two
/// parsers used to repeat.
struct NetworkKindTests {
    @Test(arguments: [
        ("", .ownBridge(.isolated), true, false),
        ("<forward mode='nat'/><ip address='10.9.0.1' prefix='24'/>", .ownBridge(.nat), true, true),
        ("<forward mode='route'/><ip address='10.9.0.1' prefix='24'/>", .ownBridge(.route), true, true),
        ("<forward mode='open'/><ip address='10.9.0.1' prefix='24'/>", .ownBridge(.open), true, true),
        ("<forward mode='bridge'/><bridge name='br0'/>", .hostBridge("br0"), false, false),
        ("<forward mode='bridge'><interface dev='eth0'/></forward>", .directPool(.bridge), false, false),
        ("<forward mode='private'><interface dev='eth0'/></forward>", .directPool(.private), false, false),
        ("<forward mode='vepa'><interface dev='eth0'/></forward>", .directPool(.vepa), false, false),
        ("<forward mode='passthrough'><interface dev='eth0'/></forward>", .directPool(.passthrough), false, false),
    ] as [(String, NetworkKind, Bool, Bool)])
    func kindOfEachForwardMode(inner: String, kind: NetworkKind, ownsBridge: Bool, forwards: Bool) throws {
        let network = try NetworkDefinition.parse(xml: "<network><name>k</name>\(inner)</network>")
        #expect(network.kind == kind)
        #expect(network.kind.ownsBridge == ownsBridge)
        #expect(network.kind.forwardsTraffic == forwards)
        #expect(network.portsNeedOwnDevice == (kind == .directPool(.passthrough)))
        if let mode = network.forwardMode { #expect(mode.hasLibvirtBridge == ownsBridge) }
    }

    @Test(arguments: [
        // text, network base 0, network decimal, domain decimal, domain with hex
        (" +010", UInt64?(8), UInt64?(10), UInt64?.none, UInt64?.none),
        ("0x1f", 31, nil, nil, 31),
        ("42 ", nil, nil, 42, 42),
        ("  42", 42, 42, 42, 42),
        ("09", nil, 9, 9, 9),
        ("", nil, nil, nil, nil),
        ("-1", nil, nil, nil, nil),
    ] as [(String, UInt64?, UInt64?, UInt64?, UInt64?)])
    func numberRulesPerLibvirtCaller(text: String, base0: UInt64?, decimal: UInt64?, domain: UInt64?, domainHex: UInt64?) {
        #expect(LibvirtNumber.unsignedBase0(text) == base0)
        #expect(LibvirtNumber.unsignedDecimal(text) == decimal)
        #expect(LibvirtNumber.unsigned(text, allowHex: false) == domain)
        #expect(LibvirtNumber.unsigned(text, allowHex: true) == domainHex)
    }
}
