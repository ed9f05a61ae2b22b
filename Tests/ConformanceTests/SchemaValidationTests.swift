import Conformance
import Testing

@Suite("Formatted documents validate against libvirt's RelaxNG schemas")
struct SchemaValidationTests {
    @Test func everyFormattedDocumentValidates() throws {
        let (checked, failures) = try ConformanceRunner(root: CorpusLocation.root).schemaFailures()
        #expect(checked > 0)
        for (name, complaint) in failures.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(name) does not validate: \(complaint)")
        }
    }

    @Test func anInvalidDocumentIsCaught() throws {
        // Guards the check itself: a document the schema refuses must be reported.
        let failures = try SchemaCheck.failures(of: [(name: "bad", text: "<network><bogus/></network>\n")],
                                                schema: CorpusLocation.file("schemas/network.rng"))
        #expect(failures["bad"] != nil)
    }
}
