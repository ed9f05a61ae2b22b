import Foundation
import NetConf
import NetCore
import NetXML
import Testing

/// One recorded answer of libvirt 9.0's parser for a whole `<domain>` (Fixtures/DomainDefinition/NAME.xml,
/// filled in by Tests/FixtureGenerators/domain-definition.py from `virsh -c test:///default define` + `dumpxml`).
struct DomainDefinitionFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let expected: XMLElement?
    let error: String?
    /// The input had no `<uuid>`: libvirt generated one, so only its presence is compared.
    let generatedUUID: Bool
    /// Why Patchbay accepts what libvirt refuses (a documented extension).
    let divergence: String?

    var testDescription: String { name }

    static let all: [DomainDefinitionFixture] = {
        FixtureFiles.load(Bundle.module.url(forResource: "DomainDefinition", withExtension: nil, subdirectory: "Fixtures"),
                          DomainDefinitionFixture.init)
    }()

    init(name: String, text: String) throws {
        self.name = name
        input = try FixtureFiles.input(of: text, fixture: name)
        let root = try XMLParser.parse(text)
        generatedUUID = root.attribute("uuid") == "generated"
        divergence = root.attribute("divergence")
        expected = root.element("expected")?.element("domain")?.withoutBlankText
        error = root.element("error")?.text
    }
}

@Suite struct DomainDefinitionFixtureTests {
    @Test func fixturesExist() {
        #expect(DomainDefinitionFixture.all.count >= 20)
    }

    /// Patchbay's definition formats as libvirt's parser does, or refuses with libvirt's message.
    @Test(arguments: DomainDefinitionFixture.all)
    func matchesLibvirt(_ fixture: DomainDefinitionFixture) throws {
        let parsed: DomainDefinition
        do {
            parsed = try DomainDefinition.parse(fixture.input)
        } catch {
            #expect(fixture.error == error.message, "refused: \(error.message)")
            return
        }
        guard let expected = fixture.expected else {
            if fixture.divergence != nil { return }
            Issue.record("libvirt refused (\(fixture.error ?? "")) but Patchbay accepted")
            return
        }
        var ours = try XMLParser.parse(parsed.xml()).withoutBlankText
        var theirs = expected
        if fixture.generatedUUID {
            #expect(ours.element("uuid") != nil)
            ours.children.removeAll { if case .element(let e) = $0 { e.name == "uuid" } else { false } }
            theirs.children.removeAll { if case .element(let e) = $0 { e.name == "uuid" } else { false } }
        }
        #expect(ours == theirs, "\n\(parsed.xml())\nexpected:\n\(XMLWriter.document(expected))")
    }

    /// Patchbay's output parses back to the same definition (stored definitions survive a restart).
    @Test(arguments: DomainDefinitionFixture.all.filter { $0.expected != nil })
    func roundTrips(_ fixture: DomainDefinitionFixture) throws {
        let first = try DomainDefinition.parse(fixture.input)
        let second = try DomainDefinition.parse(first.xml())
        #expect(first.xml() == second.xml())
    }
}
