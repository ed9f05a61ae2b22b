import CLinuxUAPI
import Foundation
import Glibc
import NetCore
import QMP
import Testing
import TestSupport

/// The client against a scripted QEMU on a socketpair: exact bytes, ordering, errors, descriptors.
@Suite struct QMPExchangeTests {
    /// Answers every command with an empty return.
    static func acceptingAll(_ line: String) -> [String] {
        [#"{"return": {}, "id": \#(FakeQMPServer.id(of: line))}"#]
    }

    @Test func negotiatesCapabilitiesAndSendsGoldenCommands() throws {
        let server = try FakeQMPServer { line in
            switch FakeQMPServer.command(of: line) {
            case "query-status": [#"{"return": {"status": "running", "singlestep": false, "running": true}, "id": \#(FakeQMPServer.id(of: line))}"#]
            default: QMPExchangeTests.acceptingAll(line)
            }
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        #expect(qmp.greeting.major == 7 && qmp.greeting.minor == 2 && qmp.greeting.micro == 0)
        #expect(qmp.greeting.capabilities == ["oob"])
        let status = try qmp.execute("query-status")
        #expect(status["status"] == "running")
        try qmp.execute("set_link", ["name": "net0", "up": false])
        #expect(server.received == [
            #"{"execute": "qmp_capabilities", "id": 1}"#,
            #"{"execute": "query-status", "id": 2}"#,
            #"{"arguments": {"name": "net0", "up": false}, "execute": "set_link", "id": 3}"#,
        ])
    }

    @Test func eventsBeforeAReplyAreHandledInOrderBeforeTheCommandReturns() throws {
        let server = try FakeQMPServer { line in
            guard FakeQMPServer.command(of: line) == "stop" else { return QMPExchangeTests.acceptingAll(line) }
            return [
                #"{"timestamp": {"seconds": 1700000000, "microseconds": 250}, "event": "STOP"}"#,
                #"{"timestamp": {"seconds": 1700000000, "microseconds": 251}, "event": "NIC_RX_FILTER_CHANGED", "data": {"name": "net0", "path": "/machine/peripheral/net0/virtio-backend"}}"#,
                #"{"return": {}, "id": \#(FakeQMPServer.id(of: line))}"#,
                #"{"timestamp": {"seconds": 1700000001, "microseconds": 0}, "event": "RESUME"}"#,
            ]
        }
        let seen = Collected()
        let qmp = try QMPConnection(descriptor: server.clientDescriptor, events: { seen.add($0) })
        try qmp.execute("stop")
        let names = seen.all.map(\.name)
        #expect(Array(names.prefix(2)) == ["STOP", "NIC_RX_FILTER_CHANGED"])
        #expect(seen.all.first?.timestampMicroseconds == 1_700_000_000_000_250)
        #expect(seen.all.dropFirst().first?.data["name"] == "net0")
        try waitFor { seen.all.count == 3 }
        #expect(seen.all.map(\.name) == ["STOP", "NIC_RX_FILTER_CHANGED", "RESUME"])
    }

    @Test func repliesAreMatchedByIdWhateverTheirOrder() throws {
        // The fake answers a slow command only after the next one: replies arrive out of order.
        let held = Collected()
        let server = try FakeQMPServer { line in
            let id = FakeQMPServer.id(of: line)
            switch FakeQMPServer.command(of: line) {
            case "slow":
                held.add(QMPEvent(name: String(id)))
                return []
            case "fast":
                let slow = held.all.first.map { #"{"return": "slow", "id": \#($0.name)}"# }
                return [#"{"return": "fast", "id": \#(id)}"#] + (slow.map { [$0] } ?? [])
            default: return QMPExchangeTests.acceptingAll(line)
            }
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        let slowResult = Collected()
        let worker = Thread { if let value = try? qmp.execute("slow") { slowResult.add(QMPEvent(name: value.stringValue ?? "")) } }
        worker.start()
        try waitFor { held.all.count == 1 }
        #expect(try qmp.execute("fast") == "fast")
        try waitFor { slowResult.all.count == 1 }
        #expect(slowResult.all.first?.name == "slow")
    }

    @Test func refusalsCarryTheClassAndLibvirtsWording() throws {
        let server = try FakeQMPServer { line in
            guard FakeQMPServer.command(of: line) == "set_link" else { return QMPExchangeTests.acceptingAll(line) }
            return [#"{"error": {"class": "DeviceNotFound", "desc": "Device 'nope' not found"}, "id": \#(FakeQMPServer.id(of: line))}"#]
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        let result = try qmp.reply("set_link", ["name": "nope", "up": true])
        #expect(result == .failure(QMPError(errorClass: "DeviceNotFound", description: "Device 'nope' not found")))
        let error = #expect(throws: PatchbayError.self) { try qmp.execute("set_link", ["name": "nope", "up": true]) }
        #expect(error?.code == .internalError)
        #expect(error?.domain == .qemu)
        #expect(error?.message == "internal error: unable to execute QEMU command 'set_link': Device 'nope' not found")
    }

    @Test func descriptorsTravelWithTheirCommand() throws {
        let server = try FakeQMPServer { line in
            guard FakeQMPServer.command(of: line) == "add-fd" else { return QMPExchangeTests.acceptingAll(line) }
            return [#"{"return": {"fdset-id": 1, "fd": 25}, "id": \#(FakeQMPServer.id(of: line))}"#]
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        var pipe: [Int32] = [-1, -1]
        #expect(pb_pipe_cloexec(&pipe) == 0)
        defer { close(pipe[0]); close(pipe[1]) }
        try qmp.getfd(name: "hostnet0", descriptor: pipe[1])
        let added = try qmp.addFD(pipe[1], fdset: 1, opaque: "tap")
        #expect(added.fdset == 1 && added.fd == 25)
        #expect(server.received.dropFirst().map { $0 } == [
            #"{"arguments": {"fdname": "hostnet0"}, "execute": "getfd", "id": 2}"#,
            #"{"arguments": {"fdset-id": 1, "opaque": "tap"}, "execute": "add-fd", "id": 3}"#,
        ])
        // Both received descriptors are the pipe's write end: what is written there comes out of ours.
        #expect(server.receivedDescriptors.count == 2)
        for descriptor in server.receivedDescriptors {
            #expect(write(descriptor, "x", 1) == 1)
            var byte: UInt8 = 0
            #expect(read(pipe[0], &byte, 1) == 1 && byte == UInt8(ascii: "x"))
            close(descriptor)
        }
    }

    @Test func aClosedMonitorFailsWaitingAndLaterCommands() throws {
        let server = try FakeQMPServer { line in
            FakeQMPServer.command(of: line) == "quit" ? [] : QMPExchangeTests.acceptingAll(line)
        }
        let gone = Collected()
        let qmp = try QMPConnection(descriptor: server.clientDescriptor, disconnected: { gone.add(QMPEvent(name: "gone")) })
        let worker = Thread { server.hangUp() }
        let error = #expect(throws: PatchbayError.self) {
            worker.start()
            try qmp.execute("quit", timeout: 60)
        }
        #expect(error?.code == .operationFailed)
        try waitFor { gone.all.count == 1 && !qmp.isOpen }
        #expect(throws: PatchbayError.self) { try qmp.execute("query-status") }
    }

    @Test func aSilentMonitorTimesOut() throws {
        let server = try FakeQMPServer { line in
            FakeQMPServer.command(of: line) == "qmp_capabilities" ? QMPExchangeTests.acceptingAll(line) : []
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        let started = Date()
        #expect(throws: PatchbayError.self) { try qmp.execute("query-status", timeout: 0.3) }
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(qmp.isOpen)
    }

    @Test func anEventHandlerCannotDeadlockTheReader() throws {
        let outcome = Collected()
        let holder = Holder()
        let server = try FakeQMPServer { line in
            FakeQMPServer.command(of: line) == "stop"
                ? [#"{"event": "STOP"}"#, #"{"return": {}, "id": \#(FakeQMPServer.id(of: line))}"#]
                : QMPExchangeTests.acceptingAll(line)
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor, events: { _ in
            do { try holder.connection?.execute("cont", timeout: 5); outcome.add(QMPEvent(name: "ran")) } catch {
                outcome.add(QMPEvent(name: "refused"))
            }
        })
        holder.connection = qmp
        try qmp.execute("stop")
        #expect(outcome.all.map(\.name) == ["refused"])
    }
}

final class Holder: @unchecked Sendable {
    var connection: QMPConnection?
}

/// Thread-safe list for values produced on other threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [QMPEvent] = []

    func add(_ item: QMPEvent) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var all: [QMPEvent] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

struct WaitTimedOut: Error {}

/// Polls `condition` for up to `timeout` seconds.
func waitFor(timeout: Double = 30, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        guard Date() < deadline else { throw WaitTimedOut() }
        usleep(5_000)
    }
}

@Suite struct QMPTypedCommandTests {
    @Test func typedCommandsSendWhatQEMUExpects() throws {
        let server = try FakeQMPServer { line in
            FakeQMPServer.command(of: line) == "query-status"
                ? [#"{"return": {"status": "paused", "singlestep": false, "running": false}, "id": \#(FakeQMPServer.id(of: line))}"#]
                : FakeQMPServer.emptyReturn(to: line)
        }
        let qmp = try QMPConnection(descriptor: server.clientDescriptor)
        #expect(try qmp.queryStatus() == QMPConnection.RunState(running: false, status: "paused"))
        try qmp.setLink(device: "net1", up: true)
        try qmp.cont()
        try qmp.stop()
        try qmp.systemPowerdown()
        #expect(Array(server.received.dropFirst(2)) == [
            #"{"arguments": {"name": "net1", "up": true}, "execute": "set_link", "id": 3}"#,
            #"{"execute": "cont", "id": 4}"#,
            #"{"execute": "stop", "id": 5}"#,
            #"{"execute": "system_powerdown", "id": 6}"#,
        ])
    }
}
