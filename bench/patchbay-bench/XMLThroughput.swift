// Parse+format throughput on the conformance inputs, against bare libxml2 parse+dump of the same
// bytes measured in the same run (the floor any libxml2-based implementation pays).
import CLibXML2
import Conformance
import Foundation
import NetConf
import NetXML

/// Parse+format throughput per document kind, printed with the libxml2 baseline and the ratio.
func xmlThroughput(root: String, seconds: Double) {

    func load(_ table: String, column: Int, filter: ([String]) -> Bool = { _ in true }, path: ([String]) -> String) -> [String] {
    guard let t = try? CorpusTable(path: "\(root)/cases/\(table).tsv") else { return [] }
    return t.rows.filter { $0.count > column && filter($0) }.compactMap { row in
        FileManager.default.contents(atPath: "\(root)/\(path(row))").map { String(decoding: $0, as: UTF8.self) }
    }
}

let networks = load("networkxml2xml", column: 4, filter: { $0[3] == "success" }, path: { $0[4] })
let ports = load("virnetworkportxml2xml", column: 1, path: { $0[1] })
let domains = load("qemu-domain", column: 2, filter: { $0[0] == "qemuxml2xml" }, path: { "tests/qemuxml2argvdata/\($0[2]).xml" })

/// Runs `body` over the documents repeatedly for about `seconds`; returns documents per second.
func measure(_ documents: [String], _ body: (String) -> Bool) -> (rate: Double, ok: Int) {
    guard !documents.isEmpty else { return (0, 0) }
    var ok = 0
    for document in documents where body(document) { ok += 1 }
    let start = DispatchTime.now().uptimeNanoseconds
    var done = 0
    while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
        for document in documents { _ = body(document) }
        done += documents.count
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (Double(done) / elapsed, ok)
}

/// Bare libxml2: parse to a DOM, dump it formatted, free.
func libxml2RoundTrip(_ text: String) -> Bool {
    patchbay_xmlSilence()
    var bytes = Array(text.utf8)
    let count = Int32(bytes.count)
    let document = bytes.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.flatMap { base in
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlReadMemory($0, count, "bench", "UTF-8", 0) }
        }
    }
    guard let document else { return false }
    var output: UnsafeMutablePointer<xmlChar>?
    var size: Int32 = 0
    xmlDocDumpFormatMemory(document, &output, &size, 1)
    if let output { patchbay_xmlFree(output) }
    xmlFreeDoc(document)
    return size > 0
}

print("Patchbay XML throughput (parse + validate + format), \(seconds) s per row")
print(String(repeating: "-", count: 86))
print("kind       docs  patchbay docs/s   libxml2 parse+dump docs/s   ratio (patchbay/libxml2)")
for (kind, documents, body) in [
    ("network", networks, { (t: String) -> Bool in (try? NetworkDefinition.parse(xml: t).formatXML()) != nil }),
    ("port", ports, { (t: String) -> Bool in (try? NetworkPortDefinition.parse(xml: t).formatXML()) != nil }),
    ("domain", domains, { (t: String) -> Bool in (try? DomainNetworkDevices.parse(domainXML: t).formattedElements(active: false)) != nil }),
] as [(String, [String], (String) -> Bool)] {
    let ours = measure(documents, body)
    let baseline = measure(documents, libxml2RoundTrip)
    let ratio = baseline.rate > 0 ? ours.rate / baseline.rate : 0
    print(kind.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: " %6d %17.0f %27.0f %26.2f   (%d/%d parsed)", documents.count, ours.rate,
                 baseline.rate, ratio, ours.ok, documents.count))
}
}
