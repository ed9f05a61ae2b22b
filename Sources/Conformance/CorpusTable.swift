import Foundation
import NetCore

/// One `cases/NAME.tsv` table: comment lines start with `#`, the rest are tab-separated rows.
public struct CorpusTable: Sendable {
    /// The table's file name without `.tsv`, e.g. `networkxml2xml`.
    public let corpus: String
    /// Data rows, each split on tabs.
    public let rows: [[String]]

    /// Reads a table file.
    public init(path: String) throws(PatchbayError) {
        corpus = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .operationFailed("cannot read corpus table '\(path)': \(error.localizedDescription)")
        }
        rows = text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}

/// The outcome of one case.
public struct CaseResult: Sendable {
    /// How the case ended.
    public enum Outcome: Sendable, Equatable {
        /// Patchbay did what libvirt does.
        case pass
        /// Patchbay differed; the reason says how.
        case fail(String)
        /// The case is not run; the reason says why (e.g. it belongs to work not done yet).
        case skip(String)
        /// A whole table is not run (`cases` rows); the reason says why.
        case notRun(reason: String, cases: Int)
    }

    /// Table name without `.tsv`.
    public let corpus: String
    /// The case's name from the table.
    public let name: String
    public let outcome: Outcome

    /// The line `patchbay conformance` prints for this case.
    public var line: String {
        switch outcome {
        case .pass: "PASS \(corpus) \(name)"
        case .fail(let reason): "FAIL \(corpus) \(name): \(reason)"
        case .skip(let reason): "SKIP \(corpus) \(name): \(reason)"
        case .notRun(let reason, let cases): "NOT RUN \(corpus) (\(cases) case\(cases == 1 ? "" : "s")): \(reason)"
        }
    }
}

/// Counts of passed, failed and skipped cases.
public struct ConformanceSummary: Sendable {
    /// Cases that passed.
    public var passed = 0
    /// Cases that failed.
    public var failed = 0
    /// Cases not run: skipped ones and every row of a table that is not run.
    public var skipped = 0

    /// An empty summary.
    public init() {}

    /// The report's last line.
    public var line: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Counts one result.
    public mutating func record(_ result: CaseResult) {
        switch result.outcome {
        case .pass: passed += 1
        case .fail: failed += 1
        case .skip: skipped += 1
        case .notRun(_, let cases): skipped += cases
        }
    }
}
