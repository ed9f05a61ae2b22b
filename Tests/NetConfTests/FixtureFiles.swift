import Foundation
import NetCore

/// The `.xml` fixtures of one folder under the test bundle's `Fixtures`, sorted by name.
enum FixtureFiles {
    /// `make(name, text)` for every readable fixture file; those it refuses are left out (each
    /// suite's `fixturesExist`-style test counts them). Empty when the folder is missing.
    static func load<Fixture>(_ folder: URL?, _ make: (String, String) throws -> Fixture) -> [Fixture] {
        guard let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".xml") }.sorted().compactMap { file in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { return nil }
            return try? make(String(file.dropLast(4)), text)
        }
    }

    /// The text between `<input>` and `</input>`, kept as text: it is what a user writes, and may
    /// be refused by Patchbay's parser.
    static func input(of text: String, fixture name: String) throws -> String {
        guard let start = text.range(of: "<input>"), let end = text.range(of: "</input>") else {
            throw PatchbayError(.xmlError, "\(name): no <input>")
        }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
