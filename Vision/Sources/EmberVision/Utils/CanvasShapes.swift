import Foundation

/// PIL's wide lines and ellipses (libImaging/Draw.c), re-derived so that every pixel decision is
/// PIL's: the same integer corner offsets, the same float32 scan-line arithmetic and rounding.
extension Canvas {
    /// A polygon edge as PIL's scan-line filler keeps it; `slope` is dx/dy in float32.
    struct Edge {
        var x0, y0, xmin, ymin, xmax, ymax: Int
        var slope: Float

        init(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
            (self.x0, self.y0) = (x0, y0)
            (xmin, xmax) = (min(x0, x1), max(x0, x1))
            (ymin, ymax) = (min(y0, y1), max(y0, y1))
            slope = y0 == y1 ? 0 : Float(x1 - x0) / Float(y1 - y0)
        }

        /// Where the edge crosses row `y`, in float32 as PIL computes it.
        func x(at y: Int) -> Float { Float(y - y0) * slope + Float(x0) }
    }

    /// PIL's `ROUND_UP` on a float: halves away from zero (the positive branch adds 0.5 in
    /// float32, the negative one in double, as the C macro does).
    static func roundUp(_ f: Float) -> Int { f >= 0 ? Int((f + 0.5).rounded(.down)) : -Int((Double(abs(f)) + 0.5).rounded(.down)) }
    /// PIL's `ROUND_DOWN` on a float: halves towards zero.
    static func roundDown(_ f: Float) -> Int { f >= 0 ? Int((f - 0.5).rounded(.up)) : -Int((Double(abs(f)) - 0.5).rounded(.up)) }
    static func roundUp(_ f: Double) -> Int { f >= 0 ? Int((f + 0.5).rounded(.down)) : -Int((abs(f) + 0.5).rounded(.down)) }
    static func roundDown(_ f: Double) -> Int { f >= 0 ? Int((f - 0.5).rounded(.up)) : -Int((abs(f) - 0.5).rounded(.up)) }

    /// PIL's scan-line polygon fill (`polygon_generic` without alpha): horizontal edges are drawn
    /// as they are; on each row the crossings are sorted and joined in pairs, from the crossing
    /// rounded half up to the next rounded half down. Where two sloped edges meet in a corner on
    /// a row, the crossing is pulled to one pixel beyond the neighbouring row's crossings.
    mutating func fillPolygon(_ edges: [Edge], _ color: DrawColor) {
        guard !edges.isEmpty else { return }
        var top = height - 1, bottom = 0
        var table: [Edge] = []
        for e in edges {
            top = min(top, e.ymin)
            bottom = max(bottom, e.ymax)
            if e.ymin == e.ymax {
                horizontalLine(e.xmin, e.ymin, e.xmax, color)
            } else {
                table.append(e)
            }
        }
        top = max(top, 0)
        bottom = min(bottom, height)
        guard top <= bottom else { return }
        var xs: [Float] = []
        for y in top...bottom {
            xs.removeAll(keepingCapacity: true)
            for (i, current) in table.enumerated() where y >= current.ymin && y <= current.ymax {
                xs.append(current.x(at: y))
                if y == current.ymax && y < bottom {
                    xs.append(xs[xs.count - 1])  // keeps the crossings paired at a vertex
                } else if (y == current.ymin || y == current.ymax) && current.slope != 0 {
                    for other in table[..<i] {
                        if (y != other.ymin && y != other.ymax) || other.slope == 0 { continue }
                        let here = xs[xs.count - 1]
                        guard here.rounded() == other.x(at: y).rounded() else { continue }
                        // A corner: look at the row after it (before it on the last row).
                        let next = y + (y == current.ymax ? -1 : 1)
                        let adjacent = current.x(at: next)
                        guard next >= other.ymin && next <= other.ymax else { continue }
                        let adjacentOther = other.x(at: next)
                        if here > adjacent + 1 && here > adjacentOther + 1 {
                            xs[xs.count - 1] = max(adjacent, adjacentOther).rounded() + 1
                        } else if here < adjacent - 1 && here < adjacentOther - 1 {
                            xs[xs.count - 1] = min(adjacent, adjacentOther).rounded() - 1
                        }
                        break
                    }
                }
            }
            xs.sort()
            for i in stride(from: 1, to: xs.count, by: 2) {
                horizontalLine(Self.roundUp(xs[i - 1]), y, Self.roundDown(xs[i]), color)
            }
        }
    }

    /// PIL's `ImagingDrawWideLine`: a quadrilateral around the segment whose half-widths on the
    /// two sides are (width − 1)/2 rounded down and up, each corner offset rounded half towards
    /// zero; a zero-length segment is one pixel.
    mutating func wideLine(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, width: Int, _ color: DrawColor) {
        let dx = x1 - x0, dy = y1 - y0
        if dx == 0 && dy == 0 {
            point(x0, y0, color)
            return
        }
        let length = hypot(Double(dx), Double(dy)), half = Double(width - 1) / 2
        let ratioMax = Double(Self.roundUp(half)) / length, ratioMin = Double(Self.roundDown(half)) / length
        let dxMin = Self.roundDown(ratioMin * Double(dy)), dxMax = Self.roundDown(ratioMax * Double(dy))
        let dyMin = Self.roundDown(ratioMin * Double(dx)), dyMax = Self.roundDown(ratioMax * Double(dx))
        let corners = [(x0 - dxMin, y0 + dyMax), (x1 - dxMin, y1 + dyMax), (x1 + dxMax, y1 - dyMin), (x0 + dxMax, y0 - dyMin)]
        let edges = (0..<4).map { i in Edge(corners[i].0, corners[i].1, corners[(i + 1) % 4].0, corners[(i + 1) % 4].1) }
        fillPolygon(edges, color)
    }

    /// PIL's filled ellipse in the box (x0, y0)–(x1, y1), corners included (`ImagingDrawEllipse`
    /// with fill): rows from a Bresenham walk over a quarter of the ellipse on a doubled grid.
    mutating func fillEllipse(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: DrawColor) {
        let a = x1 - x0, b = y1 - y0
        guard a >= 0, b >= 0 else { return }
        var rows = EllipseRows(a: a, b: b, width: a + b)
        while let (left, y, right) = rows.next() {
            horizontalLine(x0 + (left + a) / 2, y0 + (y + b) / 2, x0 + (right + a) / 2, color)
        }
    }
}

/// The top-right quarter of the ellipse with semi-axes a, b on the grid of points
/// (2x + a mod 2, 2y + b mod 2), walked from (a, b mod 2) to (a mod 2, b): each step goes up, left
/// or diagonally, to whichever point deviates least from the ellipse equation.
private struct QuarterWalk {
    private var a2 = 0, b2 = 0, a2b2 = 0
    private var cx = 0, cy = 0, ex = 0, ey = 0
    private var finished: Bool

    init(a: Int, b: Int) {
        finished = a < 0 || b < 0
        guard !finished else { return }
        (cx, cy, ex, ey) = (a, b % 2, a % 2, b)
        (a2, b2) = (a * a, b * b)
        a2b2 = a2 * b2
    }

    private func deviation(_ x: Int, _ y: Int) -> Int { abs(a2 * y * y + b2 * x * x - a2b2) }

    mutating func next() -> (x: Int, y: Int)? {
        guard !finished else { return nil }
        let current = (x: cx, y: cy)
        if cx == ex && cy == ey {
            finished = true
        } else {
            var (nx, ny) = (cx, cy + 2)
            var best = deviation(nx, ny)
            if nx > 1 {
                let diagonal = deviation(cx - 2, cy + 2)
                if best > diagonal { (nx, ny, best) = (cx - 2, cy + 2, diagonal) }
                if best > deviation(cx - 2, cy) { (nx, ny) = (cx - 2, cy) }
            }
            (cx, cy) = (nx, ny)
        }
        return current
    }
}

/// The horizontal runs (left, y, right) of an ellipse ring `width` grid steps thick, on the
/// doubled grid centred on the ellipse: an outer and an inner quarter walk give each row's right
/// and left ends, mirrored into the four quarters (PIL's `ellipse_init`/`ellipse_next`).
private struct EllipseRows {
    private var outer: QuarterWalk, inner: QuarterWalk
    private var py = 0, pl = 0, pr = 0
    private let leftmost: Int
    private var pending: [(Int, Int, Int)] = []
    private var finished = false

    init(a: Int, b: Int, width: Int) {
        leftmost = a % 2
        outer = QuarterWalk(a: a, b: b)
        inner = QuarterWalk(a: a - 2 * (width - 1), b: b - 2 * (width - 1))
        if width < 1 {
            finished = true
        } else if let first = outer.next() {
            (pr, py) = (first.x, first.y)
            pl = leftmost
        } else {
            finished = true
        }
    }

    mutating func next() -> (Int, Int, Int)? {
        if pending.isEmpty {
            if finished { return nil }
            let y = py
            var l = pl
            let r = pr
            var step = outer.next()
            while let s = step, s.y <= y { step = outer.next() }
            if let s = step { (pr, py) = (s.x, s.y) } else { finished = true }
            step = inner.next()
            while let s = step, s.y <= y {
                l = s.x
                step = inner.next()
            }
            pl = step?.x ?? leftmost
            // Emitted in this order and handed out last first, as PIL's buffer does.
            if (l > 0 || l < r) && y > 0 { pending.append((l == 0 ? 2 : l, y, r)) }
            if y > 0 { pending.append((-r, y, -l)) }
            if l > 0 || l < r { pending.append((l == 0 ? 2 : l, -y, r)) }
            pending.append((-r, -y, -l))
        }
        return pending.removeLast()
    }
}
