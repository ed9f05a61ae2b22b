import NetConf
import NetCore
import NetDriver
import Testing

@Suite("Network lifecycle with libvirt's semantics")
struct NetworkLifecycleTests {
    @Test func defineStartDestroyUndefine() async throws {
        let fixture = DriverFixture()
        defer { fixture.cleanUp() }
        do {
            let driver = try fixture.driver()
            let (_, events) = driver.subscribe()
            let defined = try driver.define(xml: Documents.isolated("n1"))
            #expect(!defined.isActive && defined.isPersistent)
            #expect(defined.bridge == "virbr1", "virbr0 exists on the host, so the first free name is taken")
            try driver.start(name: "n1")
            #expect(try driver.lookup(name: "n1").isActive)
            #expect(try driver.bridgeName(name: "n1") == "virbr1")
            let live = try driver.xml(name: "n1")
            #expect(live.contains("<network connections='0'>") || live.contains("<network>"))
            #expect(live.contains("<mac address='52:54:00:"), "a bridge MAC is generated at define, as libvirt does")
            try driver.destroy(name: "n1")
            try driver.undefine(name: "n1")
            #expect(driver.list().isEmpty)
            #expect(fixture.host.calls == ["start n1", "stop n1"])
            var seen: [NetworkEvent.Lifecycle] = []
            for await event in events {
                if case .lifecycle(_, _, let change) = event { seen.append(change) }
                if seen.count == 4 { break }
            }
            #expect(seen == [.defined, .started, .stopped, .undefined])
        }
    }

    @Test func transientNetworksVanishWhenStopped() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            let created = try driver.create(xml: Documents.isolated("t1"))
            #expect(created.isActive && !created.isPersistent)
            #expect(throws: PatchbayError(.operationInvalid, "network 't1' is transient: it has no persistent definition to undefine")) {
                try driver.undefine(name: "t1")
            }
            #expect(throws: PatchbayError(.operationInvalid, "cannot set autostart for transient network")) {
                try driver.setAutostart(name: "t1", true)
            }
            try driver.destroy(name: "t1")
            #expect(throws: PatchbayError(.noNetwork, "no network with matching name 't1'")) { try driver.lookup(name: "t1") }
        }
    }

    @Test func undefineWhileRunningLeavesItTransient() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("u1"))
            try driver.start(name: "u1")
            try driver.undefine(name: "u1")
            let summary = try driver.lookup(name: "u1")
            #expect(summary.isActive && !summary.isPersistent)
        }
    }

    @Test func refusalsUseLibvirtsCodesAndChangeNothing() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("dup", uuid: "81ff0d90-c91e-6742-64da-4a736edb9a9b", bridge: "pbdup0"))
            try driver.start(name: "dup")
            let before = fixture.snapshot()
            let refusals: [(String, () throws -> Void, PatchbayError)] = [
                ("same name, other uuid", { try driver.define(xml: Documents.isolated("dup", uuid: "81ff0d90-c91e-6742-64da-4a736edb9a9c")) },
                 PatchbayError(.operationFailed, "network 'dup' already exists with uuid 81ff0d90-c91e-6742-64da-4a736edb9a9b")),
                ("same uuid, other name", { try driver.define(xml: Documents.isolated("dup2", uuid: "81ff0d90-c91e-6742-64da-4a736edb9a9b")) },
                 PatchbayError(.operationFailed, "network 'dup' is already defined with uuid 81ff0d90-c91e-6742-64da-4a736edb9a9b")),
                ("bridge in use", { try driver.define(xml: Documents.isolated("other", bridge: "pbdup0")) },
                 PatchbayError(.internalError, "bridge name 'pbdup0' already in use.")),
                ("start active", { try driver.start(name: "dup") }, PatchbayError(.operationInvalid, "network is already active")),
                ("missing", { try driver.start(name: "no-such-net") }, PatchbayError(.noNetwork, "no network with matching name 'no-such-net'")),
                ("bad forward", { try driver.define(xml: "<network><name>x</name><forward mode='bogus'/></network>") },
                 PatchbayError(.configUnsupported, "unknown forwarding type 'bogus'")),
            ]
            for (label, body, expected) in refusals {
                #expect(throws: expected, "\(label)") { try body() }
            }
            #expect(throws: PatchbayError.self) { try driver.define(xml: "<network><name>x</name>") }
            #expect(fixture.snapshot() == before, "refused operations leave stored state unchanged")
        }
    }

    @Test func failedStartLeavesNetworkInactive() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("f1"))
            fixture.host.failStart("f1")
            #expect(throws: PatchbayError.self) { try driver.start(name: "f1") }
            #expect(!(try driver.lookup(name: "f1").isActive))
        }
    }

    @Test func listFilters() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("a"))
            try driver.define(xml: Documents.isolated("b"))
            try driver.start(name: "b")
            try driver.setAutostart(name: "a", true)
            try driver.create(xml: Documents.isolated("c"))
            #expect(driver.list().map(\.name) == ["a", "b", "c"])
            #expect(driver.list(.active).map(\.name) == ["b", "c"])
            #expect(driver.list(.inactive).map(\.name) == ["a"])
            #expect(driver.list(.transient).map(\.name) == ["c"])
            #expect(driver.list([.persistent, .autostart]).map(\.name) == ["a"])
            #expect(driver.list([.active, .inactive]).count == 3)
        }
    }

    @Test func updateLiveAndConfig() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: """
                <network><name>up</name><ip address='10.5.0.1' prefix='24'><dhcp><range start='10.5.0.10' end='10.5.0.20'/></dhcp></ip></network>
                """)
            let host = "<host mac='52:54:00:00:00:09' ip='10.5.0.9'/>"
            try driver.update(name: "up", command: .addLast, section: .ipDHCPHost, parentIndex: 0, xml: host)
            #expect(try driver.xml(name: "up", inactive: true).contains("10.5.0.9"))
            #expect(throws: PatchbayError.self) {
                try driver.update(name: "up", command: .addLast, section: .ipDHCPHost, parentIndex: 0, xml: host, flags: .live)
            }
            try driver.start(name: "up")
            let second = "<host mac='52:54:00:00:00:08' ip='10.5.0.8'/>"
            try driver.update(name: "up", command: .addLast, section: .ipDHCPHost, parentIndex: 0, xml: second, flags: .live)
            #expect(try driver.xml(name: "up").contains("10.5.0.8"))
            #expect(!(try driver.xml(name: "up", inactive: true).contains("10.5.0.8")), "a live-only change stays out of the config")
            #expect(fixture.host.calls.contains("update up"))
            let before = fixture.snapshot()
            #expect(throws: PatchbayError.self) {
                try driver.update(name: "up", command: .addLast, section: .ipDHCPHost, parentIndex: 0, xml: second,
                                  flags: [.live, .config])
            }
            #expect(fixture.snapshot() == before)
        }
    }

    @Test func restartRecoversEverything() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("keep"))
            try driver.start(name: "keep")
            #expect(throws: PatchbayError(.noNetwork, "no network with matching name 'auto'")) { try driver.setAutostart(name: "auto", true) }
            try driver.define(xml: Documents.isolated("auto"))
            try driver.setAutostart(name: "auto", true)
            try driver.create(xml: Documents.isolated("transient"))
            let restartHost = FakeNetworkHost()
            let restarted = try fixture.driver(host: restartHost)
            #expect(restarted.list().map(\.name) == ["auto", "keep", "transient"])
            #expect(try restarted.lookup(name: "keep").isActive)
            #expect(try restarted.lookup(name: "transient").isActive)
            #expect(try restarted.lookup(name: "auto").isActive, "autostart networks start with the daemon")
            #expect(restartHost.calls.filter { $0.hasPrefix("stop") }.isEmpty, "a restart never tears running networks down")
            #expect(restartHost.calls.contains("start auto"))
            #expect(!restartHost.calls.contains("start keep"))
        }
    }
}
