/// Names libvirt 9.0 accepts for a network (anything without `/`), chosen to hit every way a
/// name can fail to be a file name of its own.
public enum HostileNetworkNames {
    /// Every name, ordinary ones included.
    public static let all: [String] = [
        ".", "..", "...", ".hidden", "..hidden", "a.tmp-x", ".tmp-", "x.tmp-", "%", "%%", "%2E", "%2E%2E", "%25", "a%b",
        "with space", " lead", "trail ", "tab\there", "ünïcødé", "网络", "emoji🙂", "&<>'\"", "a~b", "~",
        "-dash", "default", "my.net", "net.xml", "UPPER_case-1",
        String(repeating: "a", count: 232), String(repeating: "a", count: 233), String(repeating: "a", count: 239),
        String(repeating: "b", count: 255), String(repeating: "c", count: 1000), String(repeating: "é", count: 128),
        String(repeating: "&", count: 50), String(repeating: "&", count: 47), String(repeating: ".", count: 255),
        String(repeating: "%", count: 255), String(repeating: "a", count: 200) + ".tmp-" + String(repeating: "z", count: 50),
    ]
}
