/// The name a network's files carry on disk, derived from the network's name.
///
/// Every on-disk name of a network comes from this one value: its definition (`STEM.xml`), its
/// autostart mark (`STEM`), its status (`STEM.xml`), its host directory (`host/STEM/`) and the
/// dnsmasq files in it (`STEM.conf`, `.pid`, `.leases`, `.hostsfile`, `.addnhosts`). libvirt
/// accepts any name without `/` (".", "..", ".hidden", 300 bytes, "a.tmp-b"), so the stem is
/// built such that it can never be a directory entry of another kind: never empty, `.`, `..` or
/// hidden, never holding `/` or NUL, never carrying the `.tmp-` of an interrupted write, and short
/// enough for the longest derived name (the dnsmasq host lists with libvirt's XML escaping, plus
/// a temporary write's suffix) to fit NAME_MAX.
///
/// A name that is safe as it is keeps its old layout (the stem is the name), so existing files
/// stay where they are. Any other name is escaped: `%` followed by its UTF-8 bytes with everything
/// but `A-Z a-z 0-9 _ -` written as `%XX`; a plain stem never starts with `%`, so the two forms
/// cannot meet. An escaped form that would be too long keeps a readable prefix and ends in `~` and
/// the SHA-256 of the name (`~` is always escaped in the body, so this form meets neither other).
public struct NetworkFileName: Hashable, Sendable, CustomStringConvertible {
    /// The stem: a single file-name component.
    public let stem: String

    /// The longest stem: NAME_MAX (255) less a temporary write's `.tmp-XXXXXX` (11) and the longest
    /// suffix, `.hostsfile` (10), with two bytes to spare.
    public static let maximumLength = 232
    /// How much of the escaped name a hashed stem keeps, for people reading the directory.
    static let hashedPrefixLength = 96

    /// The stem for the network called `networkName`.
    public init(networkName: String) {
        if Self.isSafeAsItIs(networkName) {
            stem = networkName
            return
        }
        let body = Self.escape(networkName)
        if 1 + body.count <= Self.maximumLength {
            stem = "%" + String(decoding: body, as: UTF8.self)
        } else {
            var cut = Self.hashedPrefixLength
            // Never split a `%XX` triple: the prefix stays decodable text.
            while cut > 0, body[cut - 1] == UInt8(ascii: "%") || (cut > 1 && body[cut - 2] == UInt8(ascii: "%")) { cut -= 1 }
            stem = "%" + String(decoding: body[..<cut], as: UTF8.self) + "~" + SHA256.hexDigest(Array(networkName.utf8))
        }
    }

    /// The network name this stem was made from; nil for a hashed stem (the name is not in it).
    public var networkName: String? {
        guard stem.hasPrefix("%") else { return stem }
        guard !stem.contains("~") else { return nil }
        var bytes: [UInt8] = []
        var body = Array(stem.utf8.dropFirst())[...]
        while let byte = body.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard body.count >= 2, let high = HexDigits.value(body[body.startIndex]),
                  let low = HexDigits.value(body[body.startIndex + 1]) else { return nil }
            bytes.append(high << 4 | low)
            body = body.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The stem with `suffix` (such as `.xml`) appended.
    public func appending(_ suffix: String) -> String { stem + suffix }

    public var description: String { stem }

    /// Whether `name` can be its own stem: the layout every ordinary name had before escaping existed.
    static func isSafeAsItIs(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first != UInt8(ascii: "."), first != UInt8(ascii: "%") else { return false }
        guard !bytes.contains(UInt8(ascii: "/")), !bytes.contains(0), !contains(bytes, Array(".tmp-".utf8)) else { return false }
        return escapedXMLLength(bytes) <= maximumLength
    }

    /// The length of `bytes` once `&<>'"` are written as entities, as libvirt names the dnsmasq
    /// host lists (never less than the plain length).
    static func escapedXMLLength(_ bytes: [UInt8]) -> Int {
        bytes.reduce(0) { total, byte in
            switch byte {
            case UInt8(ascii: "&"): total + 5
            case UInt8(ascii: "<"), UInt8(ascii: ">"): total + 4
            case UInt8(ascii: "'"), UInt8(ascii: "\""): total + 6
            default: total + 1
            }
        }
    }

    private static func escape(_ name: String) -> [UInt8] {
        var body: [UInt8] = []
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                body.append(byte)
            default:
                body += [UInt8(ascii: "%"), HexDigits.upper(byte >> 4), HexDigits.upper(byte & 0x0f)]
            }
        }
        return body
    }

    private static func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
        guard bytes.count >= pattern.count else { return false }
        return (0...(bytes.count - pattern.count)).contains { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }
}
