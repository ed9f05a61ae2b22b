import Foundation
import Glibc
import Logging
import HostNet
import NetConf
import NetCore
import NetDriver
import PatchbayClient
@testable import PatchbayDaemon
import Testing

/// A host that remembers which thread each call ran on. The real host spawns a process (tc, nft,
/// dnsmasq) for every floor call and for starting or stopping a network with its own bridge.
private final class ThreadRecordingHost: NetworkHost, @unchecked Sendable {
    private let lock = Lock()
    private var records: [(call: String, thread: String)] = []

    var calls: [(call: String, thread: String)] { lock.withLock { records } }

    private func record(_ call: String) {
        // The calling thread's name, as the kernel has it.
        let thread = ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        lock.withLock { records.append((call, thread)) }
    }

    func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        record("start \(network.name)")
        return NetworkRuntime(bridge: network.bridge.name.flatMap { try? InterfaceName($0) }, ownsBridge: network.forwardMode == nil || network.forwardMode?.hasLibvirtBridge == true)
    }

    func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {
        record("stop \(network.name)")
    }

    func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        record("update \(network.name)")
        return runtime
    }

    func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        record("plugFloor \(network.name)")
    }

    func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        record("unplugFloor \(network.name)")
    }

    func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] { [] }

    func existingBridgeNames() -> Set<String> { [] }
}

/// The daemon answers cheap calls on its one socket loop; anything that makes the host spawn a
/// process must run on a worker, or every client waits for that process.
@Suite("The socket loop spawns nothing")
struct SocketLoopTests {
    @Test func floorsAndOwnBridgesAreWorkedOnOffTheLoop() async throws {
        let root = "/tmp/pbd-loop-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let host = ThreadRecordingHost()
        var logger = Logger(label: "socket-loop-test")
        logger.logLevel = .critical
        let daemon = try Daemon(configuration: DaemonConfiguration(socketDirectory: "\(root)/sock", configDirectory: "\(root)/etc",
                                                                   stateDirectory: "\(root)/run", workerThreads: 2),
                                host: host, logger: logger)
        try await daemon.start()
        do {
            let client = try NetworkClient(socketPath: daemon.socketPath(SocketRole(service: .network, readOnly: false)))
            defer { client.close() }
            let qos = try client.define(xml: """
                <network><name>qos</name><bridge name='pbqos0'/><bandwidth><inbound average='1000'/></bandwidth>
                  <ip address='10.217.0.1' prefix='24'/></network>
                """)
            try client.start(qos)
            let plain = try client.create(xml: "<network><name>plain</name><bridge name='pbplain0'/><ip address='10.218.0.1' prefix='24'/></network>")
            let shared = try client.create(xml: "<network><name>shared</name><forward mode='bridge'/><bridge name='br0'/></network>")
            for (index, network) in [qos, plain, shared].enumerated() {
                let port = try client.createPort(network, xml: """
                    <networkport><uuid>\(String(format: "6d744f21-ba4a-4d6e-bdb2-%012x", index + 1))</uuid>
                      <owner><name>guest</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>
                      <mac address='52:54:00:00:05:0\(index + 1)'/>
                      \(network.name == "qos" ? "<bandwidth><inbound average='100' floor='300'/></bandwidth>" : "")
                    </networkport>
                    """)
                try client.deletePort(port)
            }
            for network in [qos, plain, shared] { try client.destroy(network) }
        } catch {
            await daemon.shutdown()
            throw error
        }
        await daemon.shutdown()

        let calls = host.calls
        #expect(calls.contains { $0.call == "plugFloor qos" } && calls.contains { $0.call == "unplugFloor qos" })
        // NIO names its event-loop threads "NIO-ELT-…"; the worker pool's are "TP-#…".
        let spawning = calls.filter { $0.call.hasSuffix(" qos") || $0.call.hasSuffix(" plain") }
        #expect(spawning.count == 6, "\(calls)")
        for call in spawning {
            #expect(!call.thread.hasPrefix("NIO-ELT"), "\(call.call) ran on the socket loop (\(call.thread))")
        }
        // Starting a network on a host bridge spawns nothing: it may stay on the loop.
        #expect(calls.contains { $0.call == "start shared" })
    }
}
