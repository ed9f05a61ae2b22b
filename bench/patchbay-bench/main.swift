import NetConf
@main struct Bench { static func main() {} }
