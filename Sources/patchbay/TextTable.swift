/// virsh's table layout: a leading space, columns padded and separated by three spaces, a
/// dashed rule under the header, and a blank line at the end.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    var rendered: String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            return " " + padded.joined(separator: "   ")
        }
        let total = widths.reduce(0, +) + 3 * (widths.count - 1) + 2
        var text = line(header) + "\n" + String(repeating: "-", count: total) + "\n"
        for row in rows { text += line(row) + "\n" }
        return text
    }
}
