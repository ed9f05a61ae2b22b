import Testing
@testable import RemoteProtocol

/// Hostile input: everything malformed must be a typed error, never a trap or a huge allocation.
@Suite("robustness")
struct RobustnessTests {
    /// Every payload type the procedure table knows, plus the error struct.
    static let payloadTypes: [any XDRCodable.Type] = {
        var types: [any XDRCodable.Type] = [RemoteError.self, TypedParameter.self, NetworkDHCPLease.self]
        for procedure in RemoteProcedure.allCases {
            if let signature = procedure.signature { types += [signature.arguments, signature.result] }
        }
        return types
    }()

    /// Captured payloads that are long enough to cut.
    static let nonEmpty = Captures.all.filter {
        $0.program == ProgramNumber.remote.rawValue && !$0.payload.isEmpty
    }

    @Test("every truncation of a captured payload is a typed error", arguments: nonEmpty)
    func truncatedPayloads(_ captured: CapturedPacket) throws {
        let procedure = try RemoteProcedure(number: captured.procedure)
        let signature = try #require(procedure.signature)
        let type: any XDRCodable.Type = captured.status == 1
            ? RemoteError.self : (captured.type == 1 ? signature.result : signature.arguments)
        for cut in 0..<captured.payload.count {
            #expect(throws: XDRError.self) { _ = try type.init(xdrBytes: Array(captured.payload.prefix(cut))) }
        }
    }

    @Test("every truncation of a captured frame is incomplete, never an error or a packet")
    func truncatedFrames() throws {
        for captured in Captures.all {
            let frame = captured.frame
            for cut in 0..<frame.count {
                var decoder = FrameDecoder()
                #expect(try decoder.append(frame.prefix(cut)).isEmpty)
            }
        }
    }

    @Test("huge string, opaque and array lengths are refused before allocation", arguments: [
        "ffffffff", "7fffffff", "00400001", "80000000",
    ])
    func hugeLengths(_ lengthHex: String) {
        let data = bytes(hex: lengthHex + "00000000")
        #expect(throws: XDRError.self) { _ = try StringMessage(xdrBytes: data) }
        #expect(throws: XDRError.self) { _ = try ConnectListAllNetworksRet(xdrBytes: data) }
        #expect(throws: XDRError.self) { _ = try NetworkGetDHCPLeasesRet(xdrBytes: data) }
        #expect(throws: XDRError.self) { _ = try AuthListRet(xdrBytes: data) }
        var decoder = XDRDecoder(data)
        #expect(throws: XDRError.self) { _ = try decoder.decodeOpaque(maxLength: UInt32.max) }
    }

    @Test("an array count within its maximum but beyond the input is refused before allocating")
    func countBeyondInput() {
        // 16384 networks announced (the maximum), 4 bytes of input: no 16384-element reserve.
        #expect(throws: XDRError.truncated(needed: 65_536, available: 4)) {
            _ = try ConnectListAllNetworksRet(xdrBytes: bytes(hex: "00004000" + "00000000"))
        }
    }

    @Test("seeded random bytes never crash any payload decoder")
    func fuzzPayloads() {
        var random = SplitMix64(seed: 0x5042_4159)
        var decoded = 0
        for round in 0..<20_000 {
            let count = Int(random.next() % 96)
            var data = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Bias some inputs towards small words so optional/array/union paths get exercised.
            if round % 2 == 0 {
                for index in stride(from: 0, to: data.count, by: 4) where random.next() % 3 != 0 {
                    for byte in index..<min(index + 3, data.count) { data[byte] = 0 }
                    data[min(index + 3, data.count - 1)] = UInt8(random.next() % 8)
                }
            }
            let type = Self.payloadTypes[Int(random.next() % UInt64(Self.payloadTypes.count))]
            if let value = try? type.init(xdrBytes: data) {
                decoded += 1
                // Whatever decodes must re-encode and decode to the same encoding (padding aside).
                if let again = try? value.xdrBytes() {
                    #expect((try? type.init(xdrBytes: again).xdrBytes()) == again)
                }
            }
        }
        #expect(decoded > 0)
    }

    @Test("seeded random streams never crash the frame decoder")
    func fuzzFrames() {
        var random = SplitMix64(seed: 42)
        let captured = Captures.all.map(\.frame)
        for _ in 0..<10_000 {
            var data = captured[Int(random.next() % UInt64(captured.count))]
            // Flip a few bytes of a real frame, or replace it with noise.
            if random.next() % 4 == 0 {
                data = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    data[Int(random.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            var decoder = FrameDecoder()
            var matcher = CallMatcher<Int>()
            do {
                for packet in try decoder.append(data) {
                    _ = try? matcher.receive(packet)
                    if let procedure = RemoteProcedure(rawValue: packet.header.procedure),
                       let signature = procedure.signature {
                        _ = try? signature.arguments.init(xdrBytes: packet.payload)
                        _ = try? signature.result.init(xdrBytes: packet.payload)
                    }
                    _ = try? RemoteError(xdrBytes: packet.payload)
                }
            } catch {
                #expect(decoder.isPoisoned)
            }
        }
    }
}
