import Ember

extension VisionOps {
    /// `ops.nms(boxes, scores, iou_threshold)`: greedy non-maximum suppression over `[N, 4]`
    /// `xyxy` boxes. Returns the int64 indices of the kept boxes, highest score first.
    ///
    /// As torchvision's CPU kernel: boxes are visited in a stable descending sort of the scores
    /// (equal scores keep their input order), and a box is dropped when its IoU with a kept box
    /// is strictly greater than `iouThreshold`. IoUs are computed in the boxes' dtype; a pair of
    /// zero-area boxes has IoU NaN and suppresses nothing.
    public static func nms(_ boxes: Tensor, scores: Tensor, iouThreshold: Double) -> Tensor {
        precondition(boxes.dim == 2 && boxes.size(1) == 4, "nms: boxes should have shape [N, 4], got \(boxes.shape)")
        precondition(scores.dim == 1 && scores.size(0) == boxes.size(0),
                     "nms: boxes and scores should have the same number of elements, got \(boxes.shape) and \(scores.shape)")
        precondition(boxes.dtype == scores.dtype, "nms: boxes (\(boxes.dtype)) and scores (\(scores.dtype)) must have the same dtype")
        if boxes.count == 0 { return Tensor(empty: [0], dtype: .int64) }
        let keep: [Int]
        switch boxes.dtype {
        case .float32: keep = greedy(boxes.contiguous().toArray(Float.self), scores.contiguous().toArray(Float.self), Float.self, iouThreshold)
        case .float64: keep = greedy(boxes.contiguous().toArray(Double.self), scores.contiguous().toArray(Double.self), Double.self, iouThreshold)
        default:
            // Half types: computed in float32 (torchvision's CPU kernel has no half support).
            precondition(boxes.dtype.isFloatingPoint, "nms: expected floating-point boxes, got \(boxes.dtype)")
            keep = greedy(boxes.to(.float32).contiguous().toArray(Float.self), scores.to(.float32).contiguous().toArray(Float.self), Float.self, iouThreshold)
        }
        return Tensor(keep.map(Int64.init), shape: [keep.count])
    }

    /// `ops.batched_nms(boxes, scores, idxs, iou_threshold)`: NMS within each category
    /// (`idxs`, an integer tensor of shape `[N]`); boxes of different categories never suppress
    /// each other. Indices come out by decreasing score.
    ///
    /// As torchvision on CPU: up to 4000 coordinates, boxes are shifted apart by
    /// `category × (max coordinate + 1)` and suppressed in one pass; above that, each category
    /// runs on its own and the kept indices are sorted by score.
    public static func batchedNMS(_ boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: Double) -> Tensor {
        precondition(idxs.dim == 1 && idxs.size(0) == boxes.size(0), "batchedNMS: idxs should have shape [\(boxes.size(0))], got \(idxs.shape)")
        if boxes.count == 0 { return Tensor(empty: [0], dtype: .int64) }
        if boxes.count <= 4000 {
            let maxCoordinate = boxes.max()
            let offsets = idxs.to(boxes.dtype) * (maxCoordinate + Tensor(scalar: Scalar.int(1), dtype: boxes.dtype))
            return nms(boxes + offsets.unsqueeze(1), scores: scores, iouThreshold: iouThreshold)
        }
        let categories = idxs.to(.int64).contiguous().toArray(Int64.self)
        var members: [Int64: [Int]] = [:]
        for (i, c) in categories.enumerated() { members[c, default: []].append(i) }
        var kept: [Int] = []
        for category in members.keys.sorted() {
            let indices = members[category]!
            let index = Tensor(indices.map(Int64.init), shape: [indices.count])
            let local = nms(boxes.indexSelect(0, index), scores: scores.indexSelect(0, index), iouThreshold: iouThreshold)
            kept += local.toArray(Int64.self).map { indices[Int($0)] }
        }
        kept.sort()  // torch.where(keep_mask) lists them in index order before the score sort
        let keptScores = scores.to(.float64).contiguous().toArray(Double.self)
        let order = kept.enumerated().sorted { a, b in
            let (sa, sb) = (keptScores[a.element], keptScores[b.element])
            return sa != sb ? sa > sb : a.offset < b.offset
        }.map { Int64($0.element) }
        return Tensor(order, shape: [order.count])
    }

    /// torchvision's `nms_kernel_impl`, in the boxes' precision.
    private static func greedy<T: BinaryFloatingPoint>(_ boxes: [T], _ scores: [T], _: T.Type, _ threshold: Double) -> [Int] {
        let n = scores.count
        let order = (0..<n).sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
        var areas = [T](repeating: 0, count: n)
        for i in 0..<n { areas[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]) }
        var suppressed = [Bool](repeating: false, count: n)
        var keep: [Int] = []
        for (position, i) in order.enumerated() where !suppressed[i] {
            keep.append(i)
            let (ix1, iy1, ix2, iy2) = (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3])
            for j in order[(position + 1)...] where !suppressed[j] {
                let w = max(0, min(ix2, boxes[4 * j + 2]) - max(ix1, boxes[4 * j]))
                let h = max(0, min(iy2, boxes[4 * j + 3]) - max(iy1, boxes[4 * j + 1]))
                let inter = w * h
                let overlap = inter / (areas[i] + areas[j] - inter)
                if Double(overlap) > threshold { suppressed[j] = true }
            }
        }
        return keep
    }
}
