import QEMUCommandLine
import Testing

@Suite("QEMU property syntaxes")
struct QEMUPropertiesTests {
    private var sample: QEMUProperties {
        var address = QEMUProperties()
        address.add("type", string: "unix")
        address.add("path", string: "/run/a,b.sock")
        var props = QEMUProperties()
        props.add("type", string: "stream")
        props.add("addr", .object(address))
        props.add("server", bool: false)
        props.add("queues", number: 4)
        props.add("skipped", string: nil)
        props.add("id", string: "hostnet0")
        return props
    }

    @Test func keyValueSyntax() {
        // The leading key stands alone, objects are dotted, commas doubled, booleans on/off.
        #expect(sample.keyValue(leading: "type") == "stream,addr.type=unix,addr.path=/run/a,,b.sock,server=off,queues=4,id=hostnet0")
    }

    @Test func jsonSyntax() {
        #expect(sample.json == #"{"type":"stream","addr":{"type":"unix","path":"/run/a,b.sock"},"server":false,"queues":4,"id":"hostnet0"}"#)
    }

    @Test func jsonEscapesStrings() {
        var props = QEMUProperties()
        props.add("romfile", string: "a\"b\\c\n")
        #expect(props.json == #"{"romfile":"a\"b\\c\n"}"#)
    }
}
