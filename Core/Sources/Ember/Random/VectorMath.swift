/// The single-precision log and sin/cos that PyTorch's AVX2 normal kernel uses (the Cephes
/// polynomials in `avx_mathfun.h`), evaluated one lane at a time. They are less accurate
/// than libm (tens of ulp near log(1)), so matching PyTorch's float32 `randn` bit for bit
/// needs these exact operations in this exact order — no fused multiply-adds.
enum CephesFloat {
    /// Natural log for x > 0.
    static func log(_ value: Float) -> Float {
        var x = Swift.max(value, Float(bitPattern: 0x0080_0000))
        let bits = x.bitPattern
        var e = Float(Int32(bitPattern: bits >> 23) - 0x7F)
        e = e + 1
        x = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)
        let below = x < 0.707106781186547524
        let tmp: Float = below ? x : 0
        x = x - 1
        e = e - (below ? 1 : 0)
        x = x + tmp
        let z = x * x
        var y: Float = 7.0376836292E-2
        y = y * x; y = y + -1.1514610310E-1
        y = y * x; y = y + 1.1676998740E-1
        y = y * x; y = y + -1.2420140846E-1
        y = y * x; y = y + 1.4249322787E-1
        y = y * x; y = y + -1.6668057665E-1
        y = y * x; y = y + 2.0000714765E-1
        y = y * x; y = y + -2.4999993993E-1
        y = y * x; y = y + 3.3333331174E-1
        y = y * x
        y = y * z
        y = y + e * -2.12194440e-4
        y = y - z * 0.5
        let high = e * 0.693359375
        x = x + y
        x = x + high
        return x
    }

    /// Sine and cosine together.
    static func sincos(_ value: Float) -> (sin: Float, cos: Float) {
        var x = Swift.abs(value)
        let signSin = value.sign == .minus
        var j = Int32(x * 1.27323954473516)  // 4/π, truncated
        j = (j &+ 1) & ~1
        let y0 = Float(j)
        let swapSin = (j & 4) != 0
        let useSinPolyForSin = (j & 2) == 0
        x = x + y0 * -0.78515625
        x = x + y0 * -2.4187564849853515625e-4
        x = x + y0 * -3.77489497744594108e-8
        let cosNegative = (~(j &- 2) & 4) != 0
        let z = x * x
        var c: Float = 2.443315711809948E-005
        c = c * z; c = c + -1.388731625493765E-003
        c = c * z; c = c + 4.166664568298827E-002
        c = c * z
        c = c * z
        c = c - z * 0.5
        c = c + 1
        var s: Float = -1.9515295891E-4
        s = s * z; s = s + 8.3321608736E-3
        s = s * z; s = s + -1.6666654611E-1
        s = s * z
        s = s * x
        s = s + x
        var sinResult = useSinPolyForSin ? s : c
        var cosResult = useSinPolyForSin ? c : s
        if signSin != swapSin { sinResult = -sinResult }
        if cosNegative { cosResult = -cosResult }
        return (sinResult, cosResult)
    }
}
