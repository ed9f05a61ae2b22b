import CLinuxUAPI
import Glibc
import NetCore
import Netlink
import TestSupport
import Testing

/// The link monitor's subscription and what it makes of the kernel's notifications: a bridge
/// created, set up and deleted, against the kernel and replayed from its recorded datagrams.
@Suite("Link monitor: subscription, baseline and notifications", .serialized)
struct LinkMonitorReplayTests {
    /// The baseline: one RTM_GETLINK dump, numbered 1.
    static let baselineRequest = """
        20000000 1200 0103 01000000 00000000       // RTM_GETLINK, REQUEST|DUMP, seq 1
        00 00 0000 00000000 00000000 00000000
        """

    /// An event as far as it is the same on every run (MACs are random).
    struct Seen: Equatable, CustomStringConvertible {
        var event: String
        var name: String
        var isUp: Bool?

        init(_ event: LinkEvent) {
            switch event {
            case .appeared(let link): (self.event, name, isUp) = ("appeared", link.name, link.isUp)
            case .changed(let link): (self.event, name, isUp) = ("changed", link.name, link.isUp)
            case .disappeared(_, let name): (self.event, self.name, isUp) = ("disappeared", name, nil)
            }
        }

        init(_ event: String, _ name: String, isUp: Bool? = nil) {
            (self.event, self.name, self.isUp) = (event, name, isUp)
        }

        var description: String { "\(event) \(name)\(isUp.map { $0 ? " up" : " down" } ?? "")" }
    }

    /// Events until `name` disappears, or until 5 s have passed.
    static func events(of monitor: LinkMonitor, until name: String) async -> [LinkEvent] {
        let watchdog = Task {
            try await Task.sleep(for: .seconds(5))
            monitor.stop()
        }
        defer { watchdog.cancel() }
        var seen: [LinkEvent] = []
        for await event in monitor.events {
            seen.append(event)
            if case .disappeared(_, name) = event { break }
        }
        monitor.stop()
        return seen
    }

    @Test func subscribesToLinkChangesOnly() {
        #expect(LinkMonitor.groups == 1, "RTMGRP_LINK")
    }

    @Test func replayedNotificationsBecomeEvents() async throws {
        let transport = ScriptedTransport(replies: try RecordedReplies.datagrams("monitor"))
        let monitor = try LinkMonitor(socket: NetlinkSocket(transport: transport, firstSequence: 1))
        let seen = await Self.events(of: monitor, until: "pbmon0")
        // lo is the baseline and no event; the bridge appears down, goes up, is set down on its way out, goes.
        #expect(seen.map(Seen.init) == [
            Seen("appeared", "pbmon0", isUp: false), Seen("changed", "pbmon0", isUp: true),
            Seen("changed", "pbmon0", isUp: false), Seen("disappeared", "pbmon0"),
        ])
        guard case .appeared(let link) = seen.first, case .disappeared(let index, _) = seen.last else { return }
        #expect(link.index == 2 && index == 2 && link.kind == "bridge")
        #expect(transport.sent.map { Hex.string($0) } == [Hex.string(Hex.bytes(Self.baselineRequest))])
        #expect(transport.unread == 0)
    }

    @Test func kernelSession() async throws {
        try await TestNamespace.with { ns in
            let transport = RecordingTransport(try KernelNetlinkTransport(namespace: ns.path, groups: LinkMonitor.groups))
            let monitor = try LinkMonitor(socket: NetlinkSocket(transport: transport, firstSequence: 1))
            let netlink = try Rtnetlink(namespace: ns.path)
            let name = try InterfaceName("pbmon0")
            try netlink.createLink(name, kind: .bridge(BridgeOptions()))
            try netlink.setLink(name, up: true)
            try netlink.deleteLink(name)
            let seen = await Self.events(of: monitor, until: "pbmon0").map(Seen.init)
            #expect(seen.first == Seen("appeared", "pbmon0", isUp: false))
            #expect(seen.contains(Seen("changed", "pbmon0", isUp: true)))
            #expect(seen.last == Seen("disappeared", "pbmon0"))
            #expect(transport.sent.map { Hex.string($0) } == [Hex.string(Hex.bytes(Self.baselineRequest))])
            if let directory = getenv("PATCHBAY_RECORD_NETLINK_MONITOR") {
                try RecordedReplies.record(transport.received, as: "monitor", in: String(cString: directory))
            }
        }
    }
}
