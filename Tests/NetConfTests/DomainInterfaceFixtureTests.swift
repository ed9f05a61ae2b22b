import Foundation
import NetConf
import NetCore
import NetXML
import Testing

/// One recorded answer of libvirt 9.0's domain parser (Fixtures/DomainDevices/NAME.xml, filled in by
/// Tests/FixtureGenerators/domain-devices.py from `virsh -c test:///default define` + `dumpxml`), and of
/// its QEMU driver for the same devices in an x86_64 `pc` guest (`qemu:///embed`).
struct DomainDeviceFixture: CustomTestStringConvertible, Sendable {
    /// File name without extension.
    let name: String
    /// The `<interface>`/`<hostdev>` elements as written by hand.
    let input: String
    /// What libvirt printed, or nil when it refused.
    let expected: [XMLElement]?
    /// libvirt's message when it refused.
    let error: String?
    /// Whether libvirt accepts its own output back (false for a few degenerate inputs).
    let rereads: Bool
    /// Why Patchbay's refusal is worded differently, for a documented divergence (only the refusal is checked).
    let divergence: String?
    /// The QEMU driver's answer for one machine type.
    struct QEMUAnswer: Sendable {
        /// `<type machine=>`: pc or q35.
        let machine: String
        /// What it printed, or nil when it refused.
        let expected: [XMLElement]?
        /// Its message when it refused.
        let error: String?
    }

    /// The QEMU driver's answers, one per machine type.
    let qemu: [QEMUAnswer]
    /// Why the QEMU driver's answer is not compared (it depends on the QEMU binary).
    let qemuSkip: String?

    var testDescription: String { name }

    /// The fixture folder inside the test bundle.
    static var folder: URL? {
        Bundle.module.url(forResource: "DomainDevices", withExtension: nil, subdirectory: "Fixtures")
    }

    /// Every fixture, sorted by name (empty when the folder is missing; `fixturesExist` catches that).
    static let all: [DomainDeviceFixture] = {
        FixtureFiles.load(folder, DomainDeviceFixture.init)
    }()

    init(name: String, text: String) throws {
        self.name = name
        input = try FixtureFiles.input(of: text, fixture: name)
        let root = try XMLParser.parse(text)
        divergence = root.attribute("divergence")
        qemuSkip = root.attribute("qemu-skip")
        qemu = root.elements("qemu").map { answer in
            QEMUAnswer(machine: answer.attribute("machine") ?? "pc",
                       expected: answer.element("expected")?.elements.map(Self.withoutBlankText),
                       error: answer.element("error")?.text)
        }
        if let expected = root.element("expected") {
            self.expected = expected.elements.map(Self.withoutBlankText)
            rereads = expected.attribute("rereads") != "no"
            error = nil
        } else {
            expected = nil
            rereads = true
            error = root.element("error")?.text
        }
    }

    /// The element without whitespace-only text (libvirt writes an element whose children are all
    /// left out as `<x>` + newline + `</x>`: the same, as XML, as `<x/>`).
    static func withoutBlankText(_ element: XMLElement) -> XMLElement {
        var copy = element
        copy.children = element.children.compactMap { node in
            switch node {
            case .text(let text): text.trimmingWhitespace.isEmpty ? nil : node
            case .element(let child): .element(withoutBlankText(child))
            case .comment: node
            }
        }
        return copy
    }

    /// The input inside the same minimal QEMU domain the generator used.
    func qemuDomainXML(machine: String) -> String {
        """
        <domain type='qemu'>
          <name>fixture</name>
          <memory>219136</memory>
          <os><type arch='x86_64' machine='\(machine)'>hvm</type></os>
          <devices>\(input)</devices>
        </domain>
        """
    }

    /// The input inside the same minimal test-driver domain the generator used.
    var domainXML: String {
        """
        <domain type='test'>
          <name>fixture</name>
          <memory>1024</memory>
          <os><type>hvm</type></os>
          <devices>\(input)</devices>
        </domain>
        """
    }
}

@Test("the libvirt-recorded domain device fixtures are all there")
func fixturesExist() {
    #expect(DomainDeviceFixture.all.count >= 400)
    #expect(DomainDeviceFixture.all.allSatisfy { $0.expected != nil || $0.error != nil })
}

@Test("interface and hostdev: accepted as libvirt 9.0 accepts and formatted as it formats, or refused with its message",
      arguments: DomainDeviceFixture.all)
func libvirtRecorded(_ fixture: DomainDeviceFixture) throws {
    let parsed: DomainNetworkDevices
    do {
        parsed = try DomainNetworkDevices.parse(domainXML: fixture.domainXML)
    } catch {
        if fixture.divergence != nil {
            #expect(fixture.error != nil, "refused what libvirt accepts: \(error.message)")
        } else {
            #expect(error.message == fixture.error, "refused")
        }
        return
    }
    let expected = try #require(fixture.expected, "accepted what libvirt refuses: \(fixture.error ?? "")")
    let actual = parsed.formattedElements(active: false).map { XMLWriter.fragment($0) }.joined()
    #expect(actual == expected.map { XMLWriter.fragment($0) }.joined())
    // What Patchbay writes reads back to the same document (where libvirt's own output does).
    guard fixture.rereads else { return }
    let again = try DomainNetworkDevices.parse(domainXML: DomainDeviceFixture(name: fixture.name, text: "<case><input>\(actual)</input><expected/></case>").domainXML)
    #expect(again.formattedElements(active: false).map { XMLWriter.fragment($0) }.joined() == actual)
}

/// One fixture on one QEMU machine type.
struct QEMUFixtureCase: CustomTestStringConvertible, Sendable {
    let fixture: DomainDeviceFixture
    let answer: DomainDeviceFixture.QEMUAnswer

    var testDescription: String { "\(fixture.name) (\(answer.machine))" }

    /// Every recorded QEMU answer of the fixtures whose answer does not depend on the QEMU binary.
    static let all: [QEMUFixtureCase] = DomainDeviceFixture.all.filter { $0.qemuSkip == nil }.flatMap { fixture in
        fixture.qemu.map { QEMUFixtureCase(fixture: fixture, answer: $0) }
    }
}

@Test("the QEMU driver's answers are recorded for pc and q35")
func qemuFixturesExist() {
    #expect(QEMUFixtureCase.all.count >= 2 * 380)
}

@Test("interface and hostdev in a QEMU guest: completed (model, addresses) and checked as libvirt's QEMU driver does",
      arguments: QEMUFixtureCase.all)
func qemuRecorded(_ item: QEMUFixtureCase) throws {
    let (fixture, answer) = (item.fixture, item.answer)
    let parsed: DomainNetworkDevices
    do {
        parsed = try DomainNetworkDevices.parse(domainXML: fixture.qemuDomainXML(machine: answer.machine))
    } catch {
        if fixture.divergence != nil {
            #expect(answer.error != nil, "refused what libvirt accepts: \(error.message)")
        } else {
            #expect(error.message == answer.error, "refused")
        }
        return
    }
    let expected = try #require(answer.expected, "accepted what libvirt's QEMU driver refuses: \(answer.error ?? "")")
    let actual = parsed.formattedElements(active: false).map { XMLWriter.fragment($0) }.joined()
    #expect(actual == expected.map { XMLWriter.fragment($0) }.joined())
}
