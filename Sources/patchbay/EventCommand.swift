import ArgumentParser
import Foundation
import Glibc
import NetCore
import PatchbayClient
import RemoteProtocol

/// `event [--loop] [--timeout S] [--json]`: network lifecycle and port events as they happen.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "event", abstract: "Print network lifecycle and port events.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Keep printing events (else stop after the first).") var loop = false
    @Option(help: "Stop after this many seconds.") var timeout: Double?
    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            _ = try client.registerLifecycleEvents()
            _ = try client.registerPortEvents()
            let deadline = timeout.map { Date().addingTimeInterval($0) }
            var count = 0
            while loop || count == 0 {
                let wait = deadline.map { Int32(max(0, $0.timeIntervalSinceNow * 1000)) } ?? -1
                if let deadline, deadline.timeIntervalSinceNow <= 0 { break }
                guard let packet = try client.remote.nextEvent(timeout: wait) else { continue }
                guard let line = Self.describe(packet, json: json) else { continue }
                print(line)
                fflush(nil)  // all streams: a pipe reader sees each event at once
                count += 1
            }
            if !json { print("events received: \(count)") }
        }
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
