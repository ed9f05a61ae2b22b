import Foundation
import NetCore
import NetXML

/// Validates documents against libvirt's RelaxNG schemas with `xmllint --relaxng` (libxml2-utils).
///
/// One xmllint process checks a whole batch: spawning one per document would dominate the run.
public enum SchemaCheck {
    /// Writes each document to a temporary directory, validates them all against `schema`, and
    /// returns the names of those that failed with xmllint's complaint.
    public static func failures(of documents: [(name: String, text: String)], schema: String) throws(PatchbayError) -> [String: String] {
        guard !documents.isEmpty else { return [:] }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("patchbay-schema-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .operationFailed("cannot create \(directory.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        var pathToName: [String: String] = [:]
        for (index, document) in documents.enumerated() {
            let path = directory.appendingPathComponent("doc\(index).xml").path
            guard FileManager.default.createFile(atPath: path, contents: Data(document.text.utf8)) else {
                throw .operationFailed("cannot write \(path)")
            }
            pathToName[path] = document.name
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--relaxng", schema] + pathToName.keys.sorted()
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .operationFailed("cannot run /usr/bin/xmllint (install libxml2-utils): \(error.localizedDescription)")
        }
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var failed: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let path = pathToName.keys.first(where: { line.hasPrefix($0) }), !line.hasSuffix(" validates"),
                  let name = pathToName[path] else { continue }
            let complaint = line.dropFirst(path.count)
            failed[name, default: ""] += failed[name] == nil ? String(complaint) : "; " + complaint
        }
        return failed
    }
}
