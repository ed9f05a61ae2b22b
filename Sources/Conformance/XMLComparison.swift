import NetCore
import NetXML

/// Compares documents the way the corpus README prescribes: element order as printed, attribute
/// order insignificant, white space outside text insignificant, comments ignored.
public enum XMLComparison {
    /// Nil when equal, else a short description of the first difference.
    public static func difference(expected: XMLElement, actual: XMLElement, path: String = "") -> String? {
        let here = "\(path)/\(expected.name)"
        guard expected.name == actual.name else {
            return "at \(path): expected <\(expected.name)>, got <\(actual.name)>"
        }
        let expectedAttributes = Dictionary(expected.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let actualAttributes = Dictionary(actual.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in expectedAttributes.sorted(by: { $0.key < $1.key }) {
            guard let other = actualAttributes[name] else { return "at \(here): missing attribute \(name)='\(value)'" }
            if other != value { return "at \(here): attribute \(name) is '\(other)', expected '\(value)'" }
        }
        if let extra = actualAttributes.keys.sorted().first(where: { expectedAttributes[$0] == nil }) {
            return "at \(here): unexpected attribute \(extra)='\(actualAttributes[extra] ?? "")'"
        }
        let expectedText = expected.text.trimmingWhitespace
        let actualText = actual.text.trimmingWhitespace
        if expectedText != actualText {
            return "at \(here): text is '\(actualText)', expected '\(expectedText)'"
        }
        let expectedChildren = expected.elements
        let actualChildren = actual.elements
        for (index, child) in expectedChildren.enumerated() {
            guard index < actualChildren.count else {
                return "at \(here): missing <\(child.name)> (child \(index + 1))"
            }
            if let difference = difference(expected: child, actual: actualChildren[index], path: here) {
                return difference
            }
        }
        if actualChildren.count > expectedChildren.count {
            return "at \(here): unexpected <\(actualChildren[expectedChildren.count].name)>"
        }
        return nil
    }

    /// Parses both texts and compares them.
    public static func difference(expectedText: String, actualText: String) -> String? {
        let expected: XMLElement
        do { expected = try XMLParser.parse(expectedText) } catch { return "expected file does not parse: \(error.message)" }
        let actual: XMLElement
        do { actual = try XMLParser.parse(actualText) } catch { return "output does not parse: \(error.message)" }
        return difference(expected: expected, actual: actual)
    }
}
