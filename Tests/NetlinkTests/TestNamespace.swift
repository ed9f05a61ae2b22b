import Foundation
import Glibc

/// A network namespace made for one test and always deleted, also when the test fails.
struct TestNamespace {
    let name: String
    var path: String { "/run/netns/\(name)" }

    /// Runs `body` with a fresh namespace; deletes it afterwards whatever happens.
    static func with<T>(_ body: (TestNamespace) throws -> T) throws -> T {
        let namespace = TestNamespace(name: "pbt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try run("/usr/sbin/ip", ["netns", "add", namespace.name])
        defer { try? run("/usr/sbin/ip", ["netns", "del", namespace.name]) }
        return try body(namespace)
    }

    /// Runs `body` asynchronously with a fresh namespace; deletes it afterwards whatever happens.
    static func with<T>(_ body: (TestNamespace) async throws -> T) async throws -> T {
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
    func exec(_ arguments: [String]) throws -> String {
        try TestNamespace.run("/usr/sbin/ip", ["netns", "exec", name] + arguments)
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
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
