import ArgumentParser
import Foundation
import NetConf
import NetCore
import NetXML

/// `patchbay xml KIND FILE`: reads a libvirt document, checks it, and prints libvirt's canonical form.
struct XMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml",
        abstract: "Check a libvirt document and print it as libvirt would store it."
    )

    /// Which document the file holds.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case network, port, domain
    }

    @Argument(help: "network, port or domain (domain prints its <interface> and <hostdev> elements).")
    var kind: Kind

    @Argument(help: "The document ('-' for standard input).")
    var file: String

    @Flag(help: "Print the persistent (inactive) form of a network.")
    var inactive = false

    mutating func run() throws {
        do throws(PatchbayError) {
            let text = try readArgumentFile(file)
            switch kind {
            case .network: print(try NetworkDefinition.parse(xml: text).formatXML(inactive: inactive), terminator: "")
            case .port: print(try NetworkPortDefinition.parse(xml: text).formatXML(), terminator: "")
            case .domain:
                for element in try DomainNetworkDevices.parse(domainXML: text).formattedElements(active: false) {
                    print(XMLWriter.fragment(element), terminator: "")
                }
            }
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
