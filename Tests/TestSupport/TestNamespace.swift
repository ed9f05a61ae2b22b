import Foundation
import Glibc

/// A network namespace made for one test and always deleted, also when the test fails.
public struct TestNamespace: Sendable {
    /// The name under /run/netns.
    public let name: String
    /// The namespace file.
    public var path: String { "/run/netns/\(name)" }

    /// Runs `body` with a fresh namespace; deletes it afterwards whatever happens.
    public static func with<T>(_ body: (TestNamespace) throws -> T) throws -> T {
        ChildReaper.adoptOrphans()
        let namespace = TestNamespace(name: "pbt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try run("/usr/sbin/ip", ["netns", "add", namespace.name])
        defer {
            try? run("/usr/sbin/ip", ["netns", "del", namespace.name])
            ChildReaper.reapExited()
        }
        return try body(namespace)
    }

    /// Runs `body` asynchronously with a fresh namespace; deletes it afterwards whatever happens.
    public static func with<T>(_ body: (TestNamespace) async throws -> T) async throws -> T {
        ChildReaper.adoptOrphans()
        defer { ChildReaper.reapExited() }
        let namespace = TestNamespace(name: "pbt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try run("/usr/sbin/ip", ["netns", "add", namespace.name])
        do {
            let value = try await body(namespace)
            try? run("/usr/sbin/ip", ["netns", "del", namespace.name])
            return value
        } catch {
            try? run("/usr/sbin/ip", ["netns", "del", namespace.name])
            throw error
        }
    }

    /// Runs a command inside the namespace and returns its standard output.
    @discardableResult
    public func exec(_ arguments: [String]) throws -> String {
        try TestNamespace.run("/usr/sbin/ip", ["netns", "exec", name] + arguments)
    }

    /// A test-setup command that failed.
    public struct CommandFailed: Error, CustomStringConvertible {
        /// What failed and what it said.
        public let description: String

        /// Creates the error.
        public init(description: String) { self.description = description }
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")): \(complaint)")
        }
        return text
    }
}
