import ArgumentParser
import Foundation
import Glibc
import NetCore
import PatchbayClient
import RemoteProtocol
import Synchronization

/// `event [--loop] [--timeout S] [--json]`: network lifecycle and port events as they happen.
///
/// With `--loop` it outlives a daemon restart (upgrades restart patchbayd): when the connection
/// drops it says so, connects again as soon as the daemon answers, registers again and says that
/// events in between were missed. SIGINT/SIGTERM end the loop like the timeout does.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "event", abstract: "Print network lifecycle and port events.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Keep printing events (else stop after the first); reconnect when the daemon restarts.") var loop = false
    @Option(help: "Stop after this many seconds.") var timeout: Double?
    @Flag(help: "One JSON object per line.") var json = false

    /// How often a lost daemon is tried again, and how often a waiting loop checks for SIGINT.
    static let retryMilliseconds: Int32 = 100

    func run() throws {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        if loop { StopRequest.install() }
        var client: NetworkClient
        do throws(PatchbayError) {
            client = try connection.openClient()
            try Self.register(client)
        } catch {
            printError(error)
            throw ExitCode(1)
        }
        var count = 0
        while (loop || count == 0) && !StopRequest.received {
            if let deadline, deadline.timeIntervalSinceNow <= 0 { break }
            let remaining = deadline.map { Int32(clamping: Int(max(0, $0.timeIntervalSinceNow * 1000))) } ?? -1
            // In a loop, wait in slices so a SIGINT is noticed.
            let wait = loop ? (remaining < 0 ? Self.retryMilliseconds : min(remaining, Self.retryMilliseconds)) : remaining
            do throws(PatchbayError) {
                guard let packet = try client.remote.nextEvent(timeout: wait) else { continue }
                guard let line = Self.describe(packet, json: json) else { continue }
                print(line)
                fflush(nil)  // all streams: a pipe reader sees each event at once
                count += 1
            } catch {
                client.close()
                guard loop else {
                    printError(error)
                    throw ExitCode(1)
                }
                note("connection to the daemon lost (\(error.detail)); reconnecting")
                guard let again = reconnect(until: deadline) else { break }
                client = again
                note("reconnected; events while disconnected were missed")
            }
        }
        client.close()
        if !json { print("events received: \(count)") }
    }

    /// Connects and registers again, trying every `retryMilliseconds` until `deadline` (or a stop
    /// request); nil when it gave up.
    private func reconnect(until deadline: Date?) -> NetworkClient? {
        while !StopRequest.received {
            if let deadline, deadline.timeIntervalSinceNow <= 0 { return nil }
            do throws(PatchbayError) {
                let client = try connection.openClient()
                do throws(PatchbayError) {
                    try Self.register(client)
                    return client
                } catch {
                    client.close()
                }
            } catch {}
            usleep(UInt32(Self.retryMilliseconds) * 1000)
        }
        return nil
    }

    /// A remark about the connection: a line among the events, or on stderr with --json so the
    /// output stays one JSON object per line.
    private func note(_ text: String) {
        if json {
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        } else {
            print(text)
            fflush(nil)
        }
    }

    private static func register(_ client: NetworkClient) throws(PatchbayError) {
        _ = try client.registerLifecycleEvents()
        _ = try client.registerPortEvents()
    }

    static let lifecycleNames = ["Defined", "Undefined", "Started", "Stopped"]
    static let portNames = ["created", "deleted", "bandwidth-changed"]

    /// One line for an event packet (nil for messages this command does not know).
    static func describe(_ packet: Packet, json: Bool) -> String? {
        let header = packet.header
        if header.program == .remote, header.procedure == RemoteProcedure.networkEventLifecycle.rawValue,
           let message = try? packet.decodePayload(as: NetworkEventLifecycleMessage.self) {
            let name = lifecycleNames.indices.contains(Int(message.event)) ? lifecycleNames[Int(message.event)] : "\(message.event)"
            if json {
                return jsonLine(["event": "lifecycle", "network": message.network.name, "uuid": message.network.uuid.description,
                                 "change": name.lowercased()])
            }
            return "event 'lifecycle' for network \(message.network.name): \(name)"
        }
        if header.program == .patchbay, header.procedure == PatchbayProcedure.portEvent.rawValue,
           let message = try? packet.decodePayload(as: PortEventMessage.self) {
            let name = portNames.indices.contains(Int(message.event)) ? portNames[Int(message.event)] : "\(message.event)"
            if json {
                return jsonLine(["event": "port", "network": message.network.name, "port": message.port.description, "change": name])
            }
            return "event 'port' for network \(message.network.name): port \(message.port) \(name)"
        }
        return nil
    }

    private static func jsonLine(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// SIGINT or SIGTERM asked an event loop to end (it then prints its count and exits 0).
enum StopRequest {
    private static let flag = Atomic<Bool>(false)

    /// Whether a stop was asked for.
    static var received: Bool { flag.load(ordering: .relaxed) }

    /// Catches SIGINT and SIGTERM; the handler only sets the flag (async-signal-safe).
    static func install() {
        // The static is initialised here, not lazily inside the handler (not async-signal-safe).
        _ = received
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in [SIGINT, SIGTERM] {
            signal(number) { _ in StopRequest.flag.store(true, ordering: .relaxed) }
            sigaddset(&mask, number)
        }
        // A parent may have started us with them blocked (the mask is inherited across exec).
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }
}
