import Foundation
import HostNet
import NetCore
import QMP
import Testing
import TestSupport

/// The test guest on a real tap in a bridge, judged from inside: it reaches the bridge's address,
/// loses it when QMP takes its link down and reaches it again when the link comes back.
@Suite(.serialized) struct TestGuestLinkTests {
    @Test(.timeLimit(.minutes(20)))
    func setLinkOffAndOnAsSeenByTheGuest() throws {
        let image = try TestGuestImage.prepare()
        try TestNamespace.with { namespace in
            try namespace.exec(["ip", "link", "add", "pbbr0", "type", "bridge", "stp_state", "0", "forward_delay", "0"])
            try namespace.exec(["ip", "addr", "add", "10.77.0.1/24", "dev", "pbbr0"])
            try namespace.exec(["ip", "link", "set", "pbbr0", "up"])
            let tap = try TapDevice.create("pbtap0", namespace: namespace.path)
            try namespace.exec(["ip", "link", "set", "pbtap0", "master", "pbbr0", "up"])
            var configuration = TestGuest.Configuration(
                nics: [.init(descriptor: tap.descriptor, mac: "52:54:00:77:00:02", id: "net0")],
                networks: ["eth0,10.77.0.2/24"], probes: ["10.77.0.1"])
            configuration.probeIntervalMilliseconds = 100
            let guest = try TestGuest(configuration, image: image)
            defer { guest.stop() }

            let first = try guest.waitUntilReachable("10.77.0.1", timeout: 600)
            let bootSeconds = first.seenAt - guest.startedAt
            let boot = guest.serial.reports.first { $0.keyword == "BOOT" }
            let ready = guest.serial.reports.first { $0.keyword == "READY" }
            #expect(guest.serial.reports.contains { $0.keyword == "MODULES" && $0.fields.last == "virtio_net" })
            #expect(guest.serial.reports.contains { $0.keyword == "IFACE" && $0.fields == ["eth0", "52:54:00:77:00:02"] })

            // Probe period actually achieved while reachable: median gap between sends.
            let steady = guest.mark()
            _ = try guest.serial.wait(for: "20 probes", after: steady, timeout: 300) { reports in
                reports.filter { $0.keyword == "PROBE" }.count >= 20 ? true : nil
            }
            let sends = guest.serial.reports[steady.index...].filter { $0.keyword == "PROBE" }.map(\.milliseconds).sorted()
            let gaps = zip(sends.dropFirst(), sends).map { $0 - $1 }.sorted()
            let medianGap = gaps[gaps.count / 2]
            #expect(medianGap >= 90 && medianGap <= 400)

            let beforeOff = guest.mark()
            try guest.qmp.execute("set_link", ["name": "net0", "up": false])
            try guest.waitForLink(up: false, after: beforeOff)
            try guest.waitUntilUnreachable("10.77.0.1", consecutive: 3, after: beforeOff)
            // The host side agrees: the tap has no carrier.
            let tapState = try namespace.exec(["ip", "-o", "link", "show", "pbtap0"])
            #expect(tapState.contains("NO-CARRIER"))

            let beforeOn = guest.mark()
            try guest.qmp.execute("set_link", ["name": "net0", "up": true])
            let link = try guest.waitForLink(up: true, after: beforeOn)
            let back = try guest.waitUntilReachable("10.77.0.1", after: beforeOn)
            print("""
                test-guest: boot to first successful probe \(String(format: "%.1f", bootSeconds)) s host time \
                (guest clock: BOOT \(boot?.milliseconds ?? -1) ms, READY \(ready?.milliseconds ?? -1) ms, \
                first ok probe sent \(first.milliseconds) ms); probe period median \(medianGap) ms over \(gaps.count) gaps; \
                link up to reachable \(back.milliseconds - link.milliseconds) ms (guest clock)
                """)
            #expect(guest.process.isAlive)
        }
    }
}
