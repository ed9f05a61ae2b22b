import Foundation
import Glibc
import GuestDriver
import Logging
import NetDriver
@testable import PatchbayDaemon

/// A daemon in this process with a fake guest driver behind virtqemud-sock (the network side
/// keeps books only), for real virsh and libvirt-python to talk to.
final class DomainDaemonHarness: @unchecked Sendable {
    let root: String
    let domains = FakeDomainService()
    let daemon: Daemon
    var socket: String { daemon.socketPath(SocketRole(service: .qemu, readOnly: false)) }
    var readOnlySocket: String { daemon.socketPath(SocketRole(service: .qemu, readOnly: true)) }
    /// `qemu:///system?socket=...` for virsh and libvirt-python.
    var uri: String { "qemu:///system?socket=\(socket)" }
    var readOnlyURI: String { "qemu:///system?socket=\(readOnlySocket)" }

    private init() throws {
        root = "/tmp/pbd-qemu-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var logger = Logger(label: "domain-daemon-test")
        logger.logLevel = .critical
        var configuration = DaemonConfiguration(socketDirectory: "\(root)/sock", configDirectory: "\(root)/etc",
                                                stateDirectory: "\(root)/run", workerThreads: 2)
        configuration.hypervisorVersion = 7_002_000
        daemon = try Daemon(configuration: configuration, host: InertNetworkHost(), domains: domains, logger: logger)
    }

    /// Runs `body` with a started daemon; always stops it and removes its files.
    static func with<T>(_ body: (DomainDaemonHarness) async throws -> T) async throws -> T {
        let harness = try DomainDaemonHarness()
        defer { try? FileManager.default.removeItem(atPath: harness.root) }
        try await harness.daemon.start()
        do {
            let result = try await body(harness)
            await harness.daemon.shutdown()
            return result
        } catch {
            await harness.daemon.shutdown()
            throw error
        }
    }

    /// `virsh -c URI ARGS...` (`readOnly`: the -ro socket).
    func virsh(_ arguments: String..., readOnly: Bool = false) throws -> CommandResult {
        try Shell.run("/usr/bin/virsh", ["-c", readOnly ? readOnlyURI : uri] + arguments)
    }

    /// Writes a file under the test directory and returns its path.
    func file(_ name: String, _ contents: String) throws -> String {
        let path = "\(root)/\(name)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A small guest with two NICs (one on a network, one unplugged).
    static func guestXML(_ name: String, uuid: String = "9f2c4e1a-7b3d-4c5e-8f6a-1b2c3d4e5f60") -> String {
        """
        <domain type='qemu'>
          <name>\(name)</name>
          <uuid>\(uuid)</uuid>
          <memory unit='KiB'>131072</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
          <devices>
            <interface type='network'>
              <mac address='52:54:00:aa:00:01'/>
              <source network='lan'/>
              <target dev='pbtap0'/>
              <model type='virtio'/>
            </interface>
            <interface type='null'>
              <mac address='52:54:00:aa:00:02'/>
              <target dev='pbtap1'/>
              <model type='virtio'/>
            </interface>
          </devices>
        </domain>
        """
    }
}
