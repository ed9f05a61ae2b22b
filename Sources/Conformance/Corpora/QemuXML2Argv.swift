import Foundation
import NetConf
import NetCore
import NetXML
import QEMUCommandLine

/// `qemu-domain` rows of test `qemuxml2argv`: Patchbay's arguments for the domain's NICs and host
/// devices against libvirt's expected `.args` file, restricted to those devices (their
/// `-chardev`/`-add-fd`/`-netdev`/`-device` lines and the pcie-root-ports they sit on).
extension ConformanceRunner {
    /// The one declared difference from libvirt's command lines, printed by `patchbay conformance`.
    public static let qemuArgumentDifferences = [
        "qemu-domain qemuxml2argv: descriptors QEMU inherits are Patchbay's own (it creates the tap and opens vhost-net/vDPA itself), "
            + "so the values of -netdev fd=/fds=/vhostfd=/vhostfds= and -add-fd fd= are compared as \(fdPlaceholder)",
    ]

    static let fdPlaceholder = "<fd>"

    /// The runtime facts of libvirt's test harness (qemuxml2argvtest): domain id -1 and
    /// XDG_RUNTIME_DIR=/bad-test-used-env-xdg-runtime-dir, so per-guest sockets live under its
    /// libvirt/qemu/run directory.
    static func libvirtTestRuntime(domainName: String) -> GuestRuntime {
        GuestRuntime(domainID: -1, domainName: domainName, stateDirectory: "/bad-test-used-env-xdg-runtime-dir/libvirt/qemu/run")
    }

    /// The capability set a row names: DO_TEST_CAPS_* macros use libvirt's recorded capabilities of a real
    /// QEMU for an architecture ("latest" or a version); DO_TEST lists capability flags; NOCAPS has none.
    static func capabilities(macro: String, arguments: [String]) -> QEMUCapabilities {
        let flags = Set(arguments)
        guard macro.hasPrefix("DO_TEST_CAPS_") else {
            return QEMUCapabilities(vfioPCI: flags.contains("QEMU_CAPS_DEVICE_VFIO_PCI"),
                                    virtioTransitionalDevices: flags.contains("QEMU_CAPS_VIRTIO_PCI_TRANSITIONAL"))
        }
        let architecture = macro.contains("_ARCH_") ? (arguments.first ?? "x86_64") : "x86_64"
        var json: Bool
        if macro.contains("LATEST") {
            // libvirt 9.0's newest recorded s390x QEMU predates JSON -device/-netdev; the others have it.
            json = architecture != "s390x"
        } else {
            // DO_TEST_CAPS_VER / _ARCH_VER: the version follows the architecture, when there is one.
            let version = macro.contains("_ARCH_") ? (arguments.dropFirst().first ?? "") : (arguments.first ?? "")
            json = (Int(version.split(separator: ".").first ?? "") ?? 0) >= 7 && architecture != "s390x"
        }
        return QEMUCapabilities(jsonDevice: json, jsonNetdev: json, vfioPCI: true, virtioTransitionalDevices: true)
    }

    /// One qemuxml2argv row; `variant` names the case (one input has a row per QEMU version).
    func qemuXML2Argv(_ row: [String], variant: String) -> [CaseResult] {
        let corpus = "qemu-domain"
        let (macro, name, expectedFile) = (row[1], row[2], row[4])
        let arguments = row[3].split(separator: "|").map(String.init)
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: variant, outcome: outcome)] }
        let expectFailure = macro.contains("FAILURE") || macro.contains("PARSE_ERROR")
        do throws(PatchbayError) {
            let source = try read("tests/qemuxml2argvdata/\(name).xml")
            let expected = try read(expectedFile)
            let generated: GuestNetworkArguments
            do throws(PatchbayError) {
                let root = try XMLParser.parse(source)
                let devices = try GuestNetworkDevices(domain: root)
                let runtime = Self.libvirtTestRuntime(domainName: root.element("name")?.text ?? "")
                var next = 3
                generated = try GuestNetworkArguments(devices: devices, capabilities: Self.capabilities(macro: macro, arguments: arguments),
                                                      runtime: runtime) { _ in
                    defer { next += 1 }
                    return String(next)
                }
            } catch {
                guard expectFailure else { return result(.fail("refused: \(error.message)")) }
                let want = expected.trimmingCharacters(in: .whitespacesAndNewlines)
                return result(error.message == want ? .pass : .fail("refused with '\(error.message)', libvirt says '\(want)'"))
            }
            if expectFailure { return result(.fail("accepted a domain libvirt refuses")) }
            let want = Self.networkArguments(Self.parseArgs(expected))
            let got = Self.networkArguments(generated.arguments.map { ($0.option, $0.value) })
            for (index, (w, g)) in zip(want, got).enumerated() where w != g {
                return result(.fail("argument \(index + 1): expected \(w), got \(g)"))
            }
            if want.count != got.count {
                let extra = want.count > got.count ? "missing \(want[got.count])" : "unexpected \(got[want.count])"
                return result(.fail("\(got.count) NIC/hostdev arguments, expected \(want.count): \(extra)"))
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }

    /// The options and values of a libvirt `.args` file (one option per line, JSON single-quoted).
    static func parseArgs(_ text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\\") { line = String(line.dropLast()).trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("-") else { return nil }
            guard let space = line.firstIndex(of: " ") else { return (line, "") }
            var value = String(line[line.index(after: space)...])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (String(line[..<space]), value)
        }
    }

    /// The arguments that belong to NICs and host devices, fds replaced by the placeholder, as
    /// printable lines in order.
    static func networkArguments(_ arguments: [(String, String)]) -> [String] {
        let parsed = arguments.map { (option: $0.0, value: $0.1, props: ArgumentProperties($0.1)) }
        let netdevs = parsed.filter { $0.option == "-netdev" }
        let chardevs = Set(netdevs.compactMap { $0.props["chardev"] })
        let fdSets = Set(netdevs.compactMap { $0.props["vhostdev"] }.filter { $0.hasPrefix("/dev/fdset/") }.map { String($0.dropFirst(11)) })
        func isDeviceOfInterest(_ props: ArgumentProperties) -> Bool {
            props["netdev"] != nil || ["vfio-pci", "usb-host"].contains(props.leading ?? "") || (props["id"] ?? "").hasPrefix("hostdev")
        }
        let devices = parsed.filter { $0.option == "-device" && isDeviceOfInterest($0.props) }
        let buses = Set(devices.compactMap { $0.props["bus"] })
        return parsed.compactMap { argument -> String? in
            let props = argument.props
            let keep: Bool
            switch argument.option {
            case "-netdev": keep = true
            case "-chardev": keep = chardevs.contains(props["id"] ?? "")
            case "-add-fd": keep = fdSets.contains(props["set"] ?? "")
            case "-device": keep = isDeviceOfInterest(props) || (props.leading == "pcie-root-port" && buses.contains(props["id"] ?? ""))
            default: keep = false
            }
            guard keep else { return nil }
            var value = argument.value
            if argument.option == "-netdev" || argument.option == "-add-fd" {
                value = Self.replacingDescriptors(value, keys: argument.option == "-netdev" ? ["fd", "fds", "vhostfd", "vhostfds"] : ["fd"])
            }
            return "\(argument.option) \(value)"
        }
    }

    /// Replaces the values of descriptor keys (key=value or JSON) by the placeholder.
    static func replacingDescriptors(_ value: String, keys: [String]) -> String {
        var text = value
        for key in keys {
            for pattern in ["(^|,)\(key)=[0-9:]+", "\"\(key)\":\"[0-9:]+\""] {
                guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
                let replacement = pattern.hasPrefix("\"") ? "\"\(key)\":\"\(fdPlaceholder)\"" : "$1\(key)=\(fdPlaceholder)"
                text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
            }
        }
        return text
    }
}

/// The top-level properties of a `-device`/`-netdev`/`-chardev`/`-add-fd` value in either syntax.
struct ArgumentProperties {
    /// The unnamed first value (driver or type) of key=value syntax, or JSON's driver/type.
    var leading: String?
    private var values: [String: String] = [:]

    subscript(key: String) -> String? { values[key] }

    init(_ text: String) {
        if text.hasPrefix("{") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return }
            for (key, value) in object {
                switch value {
                case let string as String: values[key] = string
                case let number as NSNumber: values[key] = number.stringValue
                default: break
                }
            }
            leading = values["driver"] ?? values["type"]
            return
        }
        // Split on single commas; ",," is an escaped comma.
        var parts: [String] = []
        var current = ""
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if character == "," {
                if characters.first == "," {
                    current.append(",")
                    characters = characters.dropFirst()
                } else {
                    parts.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for (index, part) in parts.enumerated() {
            if let equals = part.firstIndex(of: "=") {
                values[String(part[..<equals])] = String(part[part.index(after: equals)...])
            } else if index == 0 {
                leading = part
            }
        }
    }
}
