import NetCore
import TestSupport
import Testing

@Suite("NetworkFileName: one safe file name per network name")
struct NetworkFileNameTests {
    @Test(arguments: HostileNetworkNames.all)
    func stemIsASingleOrdinaryDirectoryEntry(_ name: String) {
        let stem = NetworkFileName(networkName: name).stem
        let bytes = Array(stem.utf8)
        #expect(!bytes.isEmpty && stem != "." && stem != "..")
        #expect(bytes.first != UInt8(ascii: "."), "not hidden: \(stem)")
        #expect(!bytes.contains(UInt8(ascii: "/")) && !bytes.contains(0))
        #expect(!stem.contains(".tmp-"), "never taken for an interrupted write: \(stem)")
        // The longest derived name, `STEM.hostsfile` with entities and a temporary write's
        // `.tmp-XXXXXX`, still fits NAME_MAX.
        let hostsFile = stem.utf8.reduce(0) { total, byte in
            total + (byte == UInt8(ascii: "&") ? 5 : byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") ? 4
                     : byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") ? 6 : 1)
        } + ".hostsfile".utf8.count + ".tmp-XXXXXX".utf8.count
        #expect(hostsFile <= 255, "\(hostsFile) bytes")
        if let decoded = NetworkFileName(networkName: name).networkName {
            #expect(decoded == name, "the escaping is reversible")
        } else {
            #expect(stem.contains("~") && name.utf8.count > 70, "only long names are hashed")
        }
    }

    @Test func distinctNamesNeverShareAStem() {
        var seen: [String: String] = [:]
        let names = HostileNetworkNames.all + HostileNetworkNames.all.map { NetworkFileName(networkName: $0).stem }
        for name in Set(names) {
            let stem = NetworkFileName(networkName: name).stem
            #expect(seen[stem] == nil, "'\(name)' and '\(seen[stem] ?? "")' both map to '\(stem)'")
            seen[stem] = name
        }
    }

    /// Upgrade compatibility: names that worked before keep their files where they were.
    @Test(arguments: ["default", "my.net", "with space", "ünïcødé", "a%b", "&<>'\"", "tab\there", "-dash", String(repeating: "a", count: 232)])
    func ordinaryNamesKeepTheirLayout(_ name: String) {
        #expect(NetworkFileName(networkName: name).stem == name)
    }

    @Test(arguments: [(".", "%%2E"), ("..", "%%2E%2E"), (".hidden", "%%2Ehidden"), ("a.tmp-x", "%a%2Etmp-x"), ("%", "%%25")])
    func escapedForms(_ name: String, _ stem: String) {
        #expect(NetworkFileName(networkName: name).stem == stem)
    }

    @Test func longNamesAreHashedWithAReadablePrefix() {
        let name = String(repeating: "b", count: 255)
        let stem = NetworkFileName(networkName: name).stem
        #expect(stem == "%" + String(repeating: "b", count: 96) + "~" + SHA256.hexDigest(Array(name.utf8)))
        let sibling = String(repeating: "b", count: 254) + "c"
        #expect(NetworkFileName(networkName: sibling).stem != stem, "names sharing the readable prefix stay apart")
    }

    /// FIPS 180-4 examples and one that spans two blocks.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(_ message: String, _ digest: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
    }
}
