/// Formats elements exactly as libvirt does: two-space indent, single-quoted attributes in the
/// order given, self-closing empty elements, libvirt's entity escaping, a newline after the root.
public enum XMLWriter {
    /// The document text for `root`.
    public static func document(_ root: XMLElement) -> String {
        var out = ""
        out.reserveCapacity(1024)
        write(root, indent: 0, into: &out)
        return out
    }

    /// The element's text at the given indent (used to splice fragments into larger documents).
    public static func fragment(_ element: XMLElement, indent: Int = 0) -> String {
        var out = ""
        write(element, indent: indent, into: &out)
        return out
    }

    private static func write(_ element: XMLElement, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        out += pad
        out += "<"
        out += element.name
        for attribute in element.attributes {
            out += " "
            out += attribute.name
            out += "='"
            escape(attribute.value, into: &out, inAttribute: true)
            out += "'"
        }
        let hasElements = element.children.contains { if case .text = $0 { false } else { true } }
        if !hasElements {
            let text = element.text
            if text.isEmpty {
                out += element.keepsOpenWhenEmpty ? ">\n\(pad)</\(element.name)>\n" : "/>\n"
            } else {
                out += ">"
                escape(text, into: &out)
                out += "</\(element.name)>\n"
            }
            return
        }
        out += ">\n"
        for child in element.children {
            switch child {
            case .element(let e):
                write(e, indent: indent + 2, into: &out)
            case .text(let t):
                let trimmed = t.trimmingWhitespace
                if !trimmed.isEmpty {
                    out += pad + "  "
                    escape(trimmed, into: &out)
                    out += "\n"
                }
            case .comment(let c):
                out += pad + "  <!--" + c + "-->\n"
            }
        }
        out += pad + "</" + element.name + ">\n"
    }

    /// libvirt's escaping: the five XML entities, and control characters other than tab/newline/CR dropped.
    ///
    /// Unlike libvirt, a carriage return (anywhere) and a tab or newline inside an attribute value are
    /// written as character references: a reader turns the raw characters into a newline or a space,
    /// so libvirt's output loses them on the next load (found by fuzzing the writer).
    public static func escape(_ text: String, into out: inout String, inAttribute: Bool = false) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "'": out += "&apos;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            case "\t" where inAttribute: out += "&#9;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
    }
}

extension String {
    /// The string without leading and trailing white space.
    public var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
