/// What a sequence of `tc -batch` lines leaves on devices, without a kernel: qdiscs, classes and
/// filters keyed the way tc addresses them, each with the figures it was last given. Lets a test
/// compare a tree built up live (plugs, unplugs, changes) with the tree a fresh plan installs.
///
/// Only the line shapes Patchbay's bandwidth plans use are understood; any other line is kept in
/// `unknown`, so a test fails instead of silently ignoring it.
public struct TrafficControlTree: Equatable, CustomStringConvertible {
    /// "dev D qdisc PARENT" → the rest of the add line (handle, kind, figures).
    public private(set) var qdiscs: [String: String] = [:]
    /// "dev D class ID" → parent and figures ("parent 1:1 htb rate …").
    public private(set) var classes: [String: String] = [:]
    /// "dev D filter HANDLE" → the rest of the add line.
    public private(set) var filters: [String: String] = [:]
    /// Lines the fold did not understand.
    public private(set) var unknown: [String] = []

    /// An empty tree.
    public init() {}

    /// The tree `lines` leave on empty devices.
    public init(_ lines: [String]) { apply(lines) }

    /// Applies `lines` in order; `class change` replaces a class's figures like tc does.
    public mutating func apply(_ lines: [String]) {
        for line in lines { apply(line) }
    }

    /// The figures of class `id` on `device` ("rate 716800bps ceil …"), nil when it does not exist.
    public func classFigures(_ id: String, device: String) -> String? {
        guard let entry = classes["dev \(device) class \(id)"], let range = entry.range(of: " htb ") else { return nil }
        return String(entry[range.upperBound...])
    }

    public var description: String {
        (qdiscs.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            + classes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            + filters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            + unknown.map { "? \($0)" }).joined(separator: "\n")
    }

    private mutating func apply(_ line: String) {
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 4, words[2] == "dev" else { return unknown.append(line) }
        let (object, verb, device) = (words[0], words[1], words[3])
        let rest = Array(words.dropFirst(4))
        switch (object, verb) {
        case ("qdisc", "add"), ("qdisc", "del"):
            // "root …", "handle ffff: ingress" or "parent P handle H: …": keyed by where it hangs.
            let place: String
            if rest.first == "root" { place = "root" }
            else if let parent = value(after: "parent", in: rest) { place = parent }
            else if rest.last == "ingress" { place = "ingress" }
            else { return unknown.append(line) }
            let key = "dev \(device) qdisc \(place)"
            qdiscs[key] = verb == "add" ? rest.joined(separator: " ") : nil
        case ("class", "add"), ("class", "change"), ("class", "del"):
            guard let id = value(after: "classid", in: rest) else { return unknown.append(line) }
            let key = "dev \(device) class \(id)"
            if verb == "del" {
                classes[key] = nil
            } else {
                guard verb == "add" || classes[key] != nil else { return unknown.append(line) }
                var figures = rest
                if let index = figures.firstIndex(of: "classid") { figures.removeSubrange(index...(index + 1)) }
                classes[key] = figures.joined(separator: " ")
            }
        case ("filter", "add"), ("filter", "del"):
            guard let handle = value(after: "handle", in: rest) else { return unknown.append(line) }
            let key = "dev \(device) filter \(handle)"
            filters[key] = verb == "add" ? rest.joined(separator: " ") : nil
        default:
            unknown.append(line)
        }
    }

    private func value(after word: String, in words: [String]) -> String? {
        guard let index = words.firstIndex(of: word), index + 1 < words.count else { return nil }
        return words[index + 1]
    }
}
