import Foundation
import NetConf
import NetCore
import NetXML

/// Every document Patchbay formats from a corpus, paired with the libvirt schema it must satisfy.
public struct FormattedDocument: Sendable {
    /// Schema file name under `schemas/`, e.g. `network.rng`.
    public let schema: String
    /// Which case and form produced it.
    public let name: String
    /// The formatted text.
    public let text: String
}

extension ConformanceRunner {
    /// Formats every accepted input of the XML corpora (networks active and inactive, updated
    /// networks, ports, and domains with Patchbay's `<interface>`/`<hostdev>` spliced in).
    public func formattedDocuments() throws(PatchbayError) -> [FormattedDocument] {
        var documents: [FormattedDocument] = []
        let cases = (root as NSString).appendingPathComponent("cases")
        func table(_ name: String) -> CorpusTable? { try? CorpusTable(path: (cases as NSString).appendingPathComponent(name + ".tsv")) }
        for row in table("networkxml2xml")?.rows ?? [] where row.count >= 6 {
            guard let text = try? read(row[4]), let network = try? NetworkDefinition.parse(xml: text) else { continue }
            documents.append(FormattedDocument(schema: "network.rng", name: "network \(row[0])", text: network.formatXML()))
            documents.append(FormattedDocument(schema: "network.rng", name: "network \(row[0]) inactive",
                                               text: network.formatXML(inactive: true)))
        }
        for row in table("networkxml2xmlupdate")?.rows ?? [] where row.count >= 11 {
            guard let section = updateSection(row[2]), let command = updateCommand(row[3]),
                  let base = try? read(row[8]), let fragment = try? read(row[9]),
                  var network = try? NetworkDefinition.parse(xml: base) else { continue }
            guard (try? network.update(command: command, section: section, parentIndex: Int(row[5]) ?? 0, xml: fragment)) != nil
            else { continue }
            documents.append(FormattedDocument(schema: "network.rng", name: "update \(row[0])", text: network.formatXML()))
        }
        for row in table("virnetworkportxml2xml")?.rows ?? [] where row.count >= 2 {
            guard let text = try? read(row[1]), let port = try? NetworkPortDefinition.parse(xml: text) else { continue }
            documents.append(FormattedDocument(schema: "networkport.rng", name: "port \(row[0])", text: port.formatXML()))
        }
        for row in table("qemu-domain")?.rows ?? [] where row.count >= 5 && row[0] == "qemuxml2xml" {
            guard let source = try? read("tests/qemuxml2argvdata/\(row[2]).xml"),
                  let devices = try? DomainNetworkDevices.parse(domainXML: source),
                  let expected = try? XMLParser.parse(try read(row[4])) else { continue }
            for active in [false, true] {
                let spliced = Self.splice(devices.formattedElements(active: active), into: expected)
                documents.append(FormattedDocument(schema: "domain.rng", name: "domain \(row[2])\(active ? " active" : "")",
                                                   text: XMLWriter.document(spliced)))
            }
        }
        return documents
    }

    /// Replaces the domain's `<interface>`/`<hostdev>` elements, in order, with `elements`.
    static func splice(_ elements: [XMLElement], into domain: XMLElement) -> XMLElement {
        var domain = domain
        guard let devicesIndex = domain.children.firstIndex(where: {
            if case .element(let e) = $0 { e.name == "devices" } else { false }
        }), case .element(var devices) = domain.children[devicesIndex] else { return domain }
        var replacements = elements.makeIterator()
        devices.children = devices.children.compactMap { node in
            guard case .element(let e) = node, e.name == "interface" || e.name == "hostdev" else { return node }
            return replacements.next().map { .element($0) }
        }
        while let extra = replacements.next() { devices.children.append(.element(extra)) }
        domain.children[devicesIndex] = .element(devices)
        return domain
    }

    /// Validates every formatted document against its schema; returns failures by document name.
    public func schemaFailures() throws(PatchbayError) -> (checked: Int, failures: [String: String]) {
        let documents = try formattedDocuments()
        var failures: [String: String] = [:]
        for schema in Set(documents.map(\.schema)).sorted() {
            let batch = documents.filter { $0.schema == schema }.map { (name: $0.name, text: $0.text) }
            let path = ((root as NSString).appendingPathComponent("schemas") as NSString).appendingPathComponent(schema)
            failures.merge(try SchemaCheck.failures(of: batch, schema: path)) { a, _ in a }
        }
        return (documents.count, failures)
    }
}
