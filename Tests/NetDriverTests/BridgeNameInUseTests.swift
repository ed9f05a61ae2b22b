import NetConf
import NetCore
import NetDriver
import Testing

/// libvirt 9.0's "bridge name '…' already in use." rule: only a network that makes its own bridge
/// (no forward, nat, route, open) claims its bridge name, checked against every defined network;
/// networks of forward mode 'bridge' may share one host bridge in any number.
@Suite("Bridge names in use, libvirt's way")
struct BridgeNameInUseTests {
    static func hostBridge(_ name: String, bridge: String = "br0") -> String {
        "<network><name>\(name)</name><forward mode='bridge'/><bridge name='\(bridge)'/></network>"
    }

    static func own(_ name: String, mode: String?, bridge: String = "br0") -> String {
        let forward = mode.map { "<forward mode='\($0)'/>" } ?? ""
        return "<network><name>\(name)</name>\(forward)<bridge name='\(bridge)'/><ip address='10.9.0.1' prefix='24'/></network>"
    }

    /// (what exists, what is added, accepted?)
    static let cases: [(String, String, Bool)] = [
        (hostBridge("a"), hostBridge("b"), true),
        (hostBridge("a"), own("b", mode: nil), false),
        (hostBridge("a"), own("b", mode: "nat"), false),
        (hostBridge("a"), own("b", mode: "route"), false),
        (hostBridge("a"), own("b", mode: "open"), false),
        (own("a", mode: nil), hostBridge("b"), true),
        (own("a", mode: "nat"), own("b", mode: "nat"), false),
        (own("a", mode: "nat"), own("b", mode: "nat", bridge: "br1"), true),
    ]

    @Test(arguments: cases.indices)
    func defineAndCreateFollowLibvirt(_ index: Int) throws {
        let (existing, added, accepted) = Self.cases[index]
        for transient in [false, true] {
            try DriverFixture.with { fixture in
                let driver = try fixture.driver()
                try driver.define(xml: existing)
                let add = { () throws -> Void in
                    if transient { try driver.create(xml: added) } else { try driver.define(xml: added) }
                }
                if accepted {
                    #expect(throws: Never.self, "case \(index), transient \(transient)") { try add() }
                } else {
                    #expect(throws: PatchbayError(.internalError, "bridge name 'br0' already in use."), "case \(index), transient \(transient)") {
                        try add()
                    }
                }
            }
        }
    }

    @Test func manyBridgeModeNetworksShareOneHostBridgeThroughTheirWholeLife() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            for name in ["h1", "h2", "h3"] {
                try driver.define(xml: Self.hostBridge(name))
                try driver.start(name: name)
            }
            try driver.create(xml: Self.hostBridge("h4"))
            #expect(driver.list(.active).map(\.bridge) == ["br0", "br0", "br0", "br0"])
            for (index, name) in ["h1", "h2", "h3", "h4"].enumerated() {
                let port = try driver.createPort(network: name, xml: Documents.port(Documents.uuid(index + 1)))
                #expect(port.plug == .bridge(.init(name: "br0", macTableManager: nil)))
            }
            // Redefining one of them (same name) is not a clash with itself or its siblings.
            try driver.define(xml: try driver.xml(name: "h1", inactive: true))
            for name in ["h1", "h2", "h3", "h4"] { try driver.destroy(name: name) }
            for name in ["h1", "h2", "h3"] { try driver.undefine(name: name) }
            #expect(driver.list().isEmpty)
        }
    }
}
