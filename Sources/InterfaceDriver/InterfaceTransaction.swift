import Foundation
import HostNet
import NetCore

/// A pending host-interface transaction as stored on disk: the host's live configuration and
/// Patchbay's interface definitions at `begin`, written atomically before any change is allowed.
///
/// It lives in the config directory, not the state directory: definitions changed in an
/// uncommitted transaction are persistent, so a reboot must find it and roll them back too.
public struct InterfaceTransaction: Codable, Sendable, Equatable {
    /// Wall-clock time of `begin` (seconds since 1970).
    public var began: Double
    /// Wall-clock time after which the transaction rolls back by itself.
    public var deadline: Double?
    /// Confirmation rule: commit is refused unless a TCP connect to this address succeeds.
    public var confirm: ConfirmationRule?
    /// The host's links, addresses and routes at `begin`.
    public var snapshot: HostInterfaceSnapshot
    /// Stored interface definitions at `begin` (name to document).
    public var definitions: [String: String]

    /// A transaction.
    public init(began: Double, deadline: Double?, confirm: ConfirmationRule?, snapshot: HostInterfaceSnapshot,
                definitions: [String: String]) {
        self.began = began
        self.deadline = deadline
        self.confirm = confirm
        self.snapshot = snapshot
        self.definitions = definitions
    }

    /// The stored form.
    func encoded() throws(PatchbayError) -> [UInt8] {
        do { return Array(try JSONEncoder().encode(self)) } catch {
            throw .internalError("cannot encode the interface transaction: \(error)")
        }
    }

    /// Reads the stored form.
    static func decode(_ bytes: [UInt8]) throws(PatchbayError) -> InterfaceTransaction {
        do { return try JSONDecoder().decode(InterfaceTransaction.self, from: Data(bytes)) } catch {
            throw PatchbayError(.internalError, "unreadable interface transaction: \(error)", domain: .interface)
        }
    }
}

/// Commit is allowed only when `address`:`port` accepts a TCP connection from the host.
public struct ConfirmationRule: Codable, Sendable, Equatable {
    /// Address to reach (the administrator's path, e.g. their SSH endpoint).
    public var address: String
    /// TCP port.
    public var port: UInt16
    /// Connect timeout in seconds.
    public var timeout: Double

    /// A rule.
    public init(address: String, port: UInt16, timeout: Double = 3) {
        self.address = address
        self.port = port
        self.timeout = timeout
    }
}

/// What a pending transaction is and what rolling it back would do.
public struct InterfaceTransactionStatus: Sendable, Equatable {
    /// Seconds since `begin`.
    public var age: Double
    /// Seconds left before the automatic rollback, when there is a deadline.
    public var remaining: Double?
    /// The changes a rollback would make, in order.
    public var wouldUndo: [String]
    /// Host devices changed since `begin`.
    public var changedDevices: [String]
    /// Networks that depend on a changed device.
    public var dependentNetworks: [String]
    /// The confirmation rule, if any.
    public var confirm: ConfirmationRule?

    /// One line per fact, for people.
    public var report: String {
        var lines = ["interface transaction begun \(Int(age)) s ago"
                     + (remaining.map { ", rolls back by itself in \(Int($0.rounded(.up))) s" } ?? ", no deadline")]
        if let confirm { lines.append("commit requires a TCP connect to \(confirm.address) port \(confirm.port)") }
        lines.append(wouldUndo.isEmpty ? "rollback would change nothing" : "rollback would: " + wouldUndo.joined(separator: "; "))
        if !dependentNetworks.isEmpty {
            lines.append("networks depending on changed devices: " + dependentNetworks.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// What an automatic rollback (deadline, or a transaction found at start) did.
public struct InterfaceRollbackRecord: Sendable, Equatable {
    /// Why it happened.
    public enum Reason: String, Sendable {
        case deadline, foundAtStart = "found at start", requested
    }

    /// Why.
    public var reason: Reason
    /// Age of the transaction when rolled back, in seconds.
    public var age: Double
    /// What was undone.
    public var undone: [String]
}
