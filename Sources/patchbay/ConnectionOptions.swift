import ArgumentParser
import Foundation
import NetCore
import PatchbayClient

/// How a command reaches the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "The daemon's socket, or a libvirt URI such as 'network:///system?socket=PATH'.")
    var connect = "/run/libvirt/virtnetworkd-sock"

    /// The socket path: `connect` itself, or the `socket=` parameter of a libvirt URI (the
    /// default network socket when the URI names none), so virsh's -c values work here too.
    var socketPath: String {
        guard connect.contains("://") else { return connect }
        let query = connect.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        for parameter in query.split(separator: "&") where parameter.hasPrefix("socket=") {
            return String(parameter.dropFirst("socket=".count))
        }
        return "/run/libvirt/virtnetworkd-sock"
    }

    @Flag(name: [.customShort("r"), .long], help: "Open the connection read-only.")
    var readonly = false

    /// A new connection to the daemon.
    func openClient() throws(PatchbayError) -> NetworkClient {
        try NetworkClient(socketPath: socketPath, readOnly: readonly)
    }

    /// Connects, runs `body`, closes; a failure is printed as virsh does (`error: MESSAGE` on
    /// stderr) and the command exits 1.
    func run(_ body: (NetworkClient) throws(PatchbayError) -> Void) throws {
        try connected(openClient, close: { $0.close() }, body)
    }

    /// Opens a client with `open`, runs `body`, closes; a failure is printed as virsh does and
    /// the command exits 1. Every daemon a command talks to goes through here.
    func connected<Client>(_ open: () throws(PatchbayError) -> Client, close: (Client) -> Void,
                           _ body: (Client) throws(PatchbayError) -> Void) throws {
        do throws(PatchbayError) {
            let client = try open()
            defer { close(client) }
            try body(client)
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }

    /// Moves `-c X`, `--connect X`, `--connect=X`, `-r` and `--readonly` given before the
    /// subcommand to just after it.
    static func movingLeadingOptions(_ arguments: [String]) -> [String] {
        var rest = arguments
        var leading: [String] = []
        while let first = rest.first {
            if (first == "-c" || first == "--connect") && rest.count >= 2 {
                leading += rest.prefix(2)
                rest.removeFirst(2)
            } else if first.hasPrefix("--connect=") || first == "-r" || first == "--readonly" {
                leading.append(first)
                rest.removeFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty, !rest.isEmpty else { return arguments }
        rest.insert(contentsOf: leading, at: 1)
        return rest
    }
}

/// Parses a UUID argument.
func parseUUID(_ text: String) throws(PatchbayError) -> LibvirtUUID {
    do {
        return try LibvirtUUID(text)
    } catch {
        throw PatchbayError(.invalidArg, "malformed uuid '\(text)'", domain: .none)
    }
}

/// Prints a value as pretty JSON with stable key order.
func printJSON<Value: Encodable>(_ value: Value) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}
