import NetCore
import Testing

@Suite("KibibytesPerSecond arithmetic")
struct RateArithmeticTests {
    /// Sums of rates saturate instead of trapping, and differences stop at zero.
    @Test func rateArithmetic() throws {
        let big = try KibibytesPerSecond(KibibytesPerSecond.maximum)
        #expect(big.adding(try KibibytesPerSecond(1)) == big)
        #expect(KibibytesPerSecond.total([try KibibytesPerSecond(100), try KibibytesPerSecond(200)]) == (try KibibytesPerSecond(300)))
        #expect(try KibibytesPerSecond(100).subtracting(try KibibytesPerSecond(200)) == .zero)
        #expect(KibibytesPerSecond.total([]) == .zero)
    }
}
