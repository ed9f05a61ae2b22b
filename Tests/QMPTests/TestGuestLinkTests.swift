import Foundation
import HostOS
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
            let tap = try namespace.bridgedTap("pbtap0", bridge: "pbbr0", address: "10.77.0.1/24")
            // A second NIC on a second bridge: it must not notice anything done to the first.
            let otherTap = try namespace.bridgedTap("pbtap9", bridge: "pbbr9", address: "10.79.0.1/24")
            var configuration = TestGuest.Configuration(
                nics: [.init(descriptor: tap.descriptor, mac: "52:54:00:77:00:02", id: "net0"),
                       .init(descriptor: otherTap.descriptor, mac: "52:54:00:79:00:02", id: "net1")],
                networks: ["eth0,10.77.0.2/24", "eth1,10.79.0.2/24"], probes: ["10.77.0.1", "10.79.0.1"])
            configuration.probeIntervalMilliseconds = 100
            let guest = try TestGuest(configuration, image: image)
            defer { guest.stop() }

            let first = try guest.waitUntilReachable("10.77.0.1", timeout: 600)
            let bootSeconds = first.seenAt - guest.startedAt
            let boot = guest.serial.reports.first { $0.keyword == "BOOT" }
            let ready = guest.serial.reports.first { $0.keyword == "READY" }
            #expect(guest.serial.reports.contains { $0.keyword == "MODULES" && $0.fields.last == "virtio_net" })
            // NICs appear in the guest in the order given: eth0, eth1.
            #expect(guest.serial.reports.contains { $0.keyword == "IFACE" && $0.fields == ["eth0", "52:54:00:77:00:02"] })
            #expect(guest.serial.reports.contains { $0.keyword == "IFACE" && $0.fields == ["eth1", "52:54:00:79:00:02"] })
            try guest.waitUntilReachable("10.79.0.1")

            // Probe period actually achieved while reachable: median gap between sends.
            let steady = guest.mark()
            _ = try guest.serial.wait(for: "20 probes", after: steady, timeout: 300) { reports in
                reports.filter { $0.target == "10.77.0.1" }.count >= 20 ? true : nil
            }
            let sends = guest.serial.reports[steady.index...].filter { $0.target == "10.77.0.1" }.map(\.milliseconds).sorted()
            let gaps = zip(sends.dropFirst(), sends).map { $0 - $1 }.sorted()
            let medianGap = gaps[gaps.count / 2]
            // Never a burst (late slots are skipped); the upper bound only says probing goes on under load.
            #expect(medianGap >= 90 && medianGap <= 1000)

            let beforeOff = guest.mark()
            try guest.qmp.execute("set_link", ["name": "net0", "up": false])
            try guest.waitForLink(up: false, after: beforeOff)
            try guest.waitUntilUnreachable("10.77.0.1", consecutive: 3, after: beforeOff)
            // (Measured: the host tap keeps its carrier; only the guest's NIC loses it.)
            // The other NIC kept working all along.
            let otherWhileOff = try guest.serial.wait(for: "5 probes of the other NIC", after: beforeOff, timeout: 60) { reports in
                let probes = reports.filter { $0.target == "10.79.0.1" }
                return probes.count >= 5 ? probes : nil
            }
            // (A single lost probe is load on this machine, not an outage: look for three in a row.)
            let otherRuns = otherWhileOff.sorted { $0.milliseconds < $1.milliseconds }
                .reduce(into: (run: 0, worst: 0)) { state, probe in
                    state.run = probe.succeeded ? 0 : state.run + 1
                    state.worst = max(state.worst, state.run)
                }
            #expect(otherRuns.worst < 3, "\(otherWhileOff)")

            let beforeOn = guest.mark()
            let switchedOn = TestClock.now
            try guest.qmp.execute("set_link", ["name": "net0", "up": true])
            let link = try guest.waitForLink(up: true, after: beforeOn)
            let back = try guest.waitUntilReachable("10.77.0.1", after: beforeOn)
            // A bare link flap (what every move adds), held off for 0, 200 and 1500 ms: what it costs the
            // guest, and whether the guest noticed it at all (only then does it flush its neighbours
            // and redo DHCP).
            var flaps: [String] = []
            for hold in [0, 200, 1500] {
                try guest.waitUntilReachable("10.77.0.1", after: guest.mark())
                let beforeFlap = guest.mark()
                try guest.qmp.setLink(device: "net0", up: false)
                if hold > 0 { usleep(useconds_t(hold * 1000)) }
                try guest.qmp.setLink(device: "net0", up: true)
                let flap = try guest.waitForOutageEnd("10.77.0.1", after: beforeFlap)
                #expect(flap.lostProbes <= 40)
                let noticed = guest.serial.reports[beforeFlap.index...].contains { $0.keyword == "LINK" && $0.fields == ["eth0", "down"] }
                flaps.append("held \(hold) ms: \(flap.lostProbes) probes lost, \(flap.milliseconds) ms, guest \(noticed ? "saw" : "did not see") LINK down")
            }
            print("test-guest: link flaps (set_link off; hold; set_link on): " + flaps.joined(separator: "; "))
            print("""
                test-guest: boot to first successful probe \(String(format: "%.1f", bootSeconds)) s host time \
                (guest clock: BOOT \(boot?.milliseconds ?? -1) ms, READY \(ready?.milliseconds ?? -1) ms, \
                first ok probe sent \(first.milliseconds) ms); probe period median \(medianGap) ms over \(gaps.count) gaps; \
                set_link on to a reply seen on the host \(Int((back.seenAt - switchedOn) * 1000)) ms \
                (guest saw LINK up at \(link.milliseconds) ms, reply to the probe sent at \(back.milliseconds) ms)
                """)
            #expect(guest.process.isAlive)
        }
    }
}

/// DHCP from inside the guest: booted with its link down (paused, `set_link off`, `cont`, as a NIC
/// that boots unplugged), it gets no lease; link up, it gets one; after a link flap it asks again.
@Suite(.serialized) struct TestGuestDHCPTests {
    @Test(.timeLimit(.minutes(20)))
    func bootsWithLinkDownThenLeasesAndReleasesOnEveryFlap() throws {
        let image = try TestGuestImage.prepare()
        try TestNamespace.with { namespace in
            let tap = try namespace.bridgedTap("pbtap1", bridge: "pbbr1", address: "10.78.0.1/24")
            var template = Array("/tmp/pbdhcp-XXXXXX".utf8CString)
            let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let dnsmasq = try ProcessLaunch(
                executable: "/usr/sbin/dnsmasq",
                arguments: ["--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--port=0",
                            "--interface=pbbr1", "--bind-interfaces", "--dhcp-range=10.78.0.10,10.78.0.20,255.255.255.0,1h",
                            "--dhcp-leasefile=\(directory)/leases", "--pid-file=\(directory)/pid", "--log-facility=-"],
                logFile: directory + "/dnsmasq.log", namespace: namespace.path).spawn()
            defer { dnsmasq.terminate(grace: 5) }

            var configuration = TestGuest.Configuration(
                nics: [.init(descriptor: tap.descriptor, mac: "52:54:00:78:00:02", id: "net0")],
                networks: ["eth0,dhcp"], probes: ["10.78.0.1"])
            configuration.paused = true
            let guest = try TestGuest(configuration, image: image)
            defer { guest.stop() }
            try guest.qmp.execute("set_link", ["name": "net0", "up": false])
            try guest.qmp.execute("cont")

            try guest.waitForLink(up: false, timeout: 600)
            // Down from the start: probes fail and no lease comes.
            try guest.waitUntilUnreachable("10.78.0.1", consecutive: 5)
            #expect(!guest.serial.reports.contains { $0.keyword == "DHCP" })

            let plugged = guest.mark()
            let pluggedAt = TestClock.now
            try guest.qmp.execute("set_link", ["name": "net0", "up": true])
            let lease = try guest.waitForDHCP(after: plugged)
            let leasedAfter = TestClock.now - pluggedAt
            #expect(lease.hasPrefix("10.78.0.") && lease.hasSuffix("/24"))
            try guest.waitUntilReachable("10.78.0.1", after: plugged)

            let flapped = guest.mark()
            try guest.qmp.execute("set_link", ["name": "net0", "up": false])
            try guest.waitForLink(up: false, after: flapped)
            let backAt = TestClock.now
            try guest.qmp.execute("set_link", ["name": "net0", "up": true])
            let renewed = try guest.waitForDHCP(after: flapped)
            let renewedAfter = TestClock.now - backAt
            print("test-guest: DHCP lease \(String(format: "%.2f", leasedAfter)) s after the first link up, " +
                  "again \(String(format: "%.2f", renewedAfter)) s after a link flap (host time, 20 ms polling)")
            #expect(renewed == lease)
            try guest.waitUntilReachable("10.78.0.1", after: guest.serial.mark())
            let log = (try? String(contentsOfFile: directory + "/dnsmasq.log", encoding: .utf8)) ?? ""
            #expect(log.components(separatedBy: "DHCPACK").count - 1 >= 2)
        }
    }
}
