import ArgumentParser
import NetCore
import PatchbayClient
import RemoteProtocol

/// `iface-begin [--timeout SECONDS] [--confirm ADDRESS:PORT]`: a host interface transaction that
/// rolls back by itself unless committed in time, and whose commit needs the address reachable.
struct InterfaceBeginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iface-begin",
        abstract: "Begin a host interface transaction (on the interface socket: -c .../virtinterfaced-sock).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Roll back by itself after this many seconds unless committed.") var timeout: Double?
    @Option(help: "Refuse commit unless a TCP connect to ADDRESS:PORT (IPv6: [ADDRESS]:PORT) succeeds.") var confirm: String?

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            var args = InterfaceBeginArgs(timeoutMilliseconds: 0)
            if let timeout {
                guard timeout > 0, timeout < 1e9 else { throw PatchbayError(.invalidArg, "--timeout must be a positive number of seconds") }
                args.timeoutMilliseconds = UInt64((timeout * 1000).rounded(.up))
            }
            if let confirm {
                guard let colon = confirm.lastIndex(of: ":"), let port = UInt32(confirm[confirm.index(after: colon)...]) else {
                    throw PatchbayError(.invalidArg, "--confirm takes ADDRESS:PORT")
                }
                args.confirmAddress = String(confirm[..<colon]).trimmingBrackets
                args.confirmPort = port
            }
            try client.remote.call(.interfaceBegin, args)
            print(timeout.map { "Network config change transaction started; rolls back in \(Self.seconds($0)) s unless committed" }
                  ?? "Network config change transaction started")
        }
    }

    static func seconds(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}

/// `iface-status`: the pending transaction's age, deadline, what a rollback would undo, dependent networks.
struct InterfaceStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iface-status", abstract: "Show the pending host interface transaction.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let status = try client.remote.call(.interfaceTransactionStatus, DriftReportArgs(), returning: InterfaceTransactionStatusRet.self)
            print(status.report)
        }
    }
}

/// `iface-commit` and `iface-rollback`, as virsh has them.
struct InterfaceCommitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iface-commit", abstract: "Commit the host interface transaction.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.remote.call(.interfaceChangeCommit, FlagsArgs())
            print("Network config change transaction committed")
        }
    }
}

/// `iface-rollback`.
struct InterfaceRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iface-rollback", abstract: "Roll the host interface transaction back.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.remote.call(.interfaceChangeRollback, FlagsArgs())
            print("Network config change transaction rolled back")
        }
    }
}

extension String {
    fileprivate var trimmingBrackets: String { hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self }
}
