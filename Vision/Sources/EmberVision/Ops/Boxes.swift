import Ember

/// `torchvision.ops`: box arithmetic, non-maximum suppression and region pooling.
///
/// ```swift
/// let iou = VisionOps.boxIoU(predicted, groundTruth)                 // [N, M]
/// let keep = VisionOps.nms(boxes, scores: scores, iouThreshold: 0.5)  // int64 indices
/// let pooled = VisionOps.roiAlign(features, boxes: rois, outputSize: [7, 7], spatialScale: 1.0 / 16, samplingRatio: 2)
/// ```
///
/// (Named `VisionOps` rather than torchvision's `ops`, which would read as Core's op families.)
public enum VisionOps {}

/// How four numbers describe an axis-aligned box (torchvision's `fmt` strings).
public enum BoxFormat: String, Sendable, CaseIterable {
    /// Corners: `(x1, y1)` top left, `(x2, y2)` bottom right.
    case xyxy
    /// Top-left corner, width and height.
    case xywh
    /// Centre, width and height.
    case cxcywh
}

extension VisionOps {
    /// `ops.box_convert(boxes, in_fmt, out_fmt)` for the axis-aligned formats; boxes are
    /// `[..., 4]`. Differentiable (written in tensor ops, as torchvision's). Converting a format
    /// to itself returns a copy, as `clone()` does.
    public static func boxConvert(_ boxes: Tensor, from: BoxFormat, to: BoxFormat) -> Tensor {
        checkBoxes(boxes, op: "boxConvert")
        if from == to { return boxes.clone() }
        let xyxy: Tensor
        switch from {
        case .xyxy: xyxy = boxes
        case .xywh:
            let (x, y, w, h) = unbind4(boxes)
            xyxy = Tensor.stack([x, y, x + w, y + h], dim: -1)
        case .cxcywh:
            let (cx, cy, w, h) = unbind4(boxes)
            xyxy = Tensor.stack([cx - w * 0.5, cy - h * 0.5, cx + w * 0.5, cy + h * 0.5], dim: -1)
        }
        switch to {
        case .xyxy: return xyxy
        case .xywh:
            let (x1, y1, x2, y2) = unbind4(xyxy)
            return Tensor.stack([x1, y1, x2 - x1, y2 - y1], dim: -1)
        case .cxcywh:
            let (x1, y1, x2, y2) = unbind4(xyxy)
            return Tensor.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim: -1)
        }
    }

    /// `ops.box_area(boxes, fmt)`: `[..., 4]` boxes to `[...]` areas. Small integer and half
    /// types are widened first (int32, float32), as torchvision's `_upcast`.
    public static func boxArea(_ boxes: Tensor, format: BoxFormat = .xyxy) -> Tensor {
        checkBoxes(boxes, op: "boxArea")
        let b = upcast(boxes)
        switch format {
        case .xyxy: return (b.select(-1, 2) - b.select(-1, 0)) * (b.select(-1, 3) - b.select(-1, 1))
        case .xywh, .cxcywh: return b.select(-1, 2) * b.select(-1, 3)
        }
    }

    /// `ops.box_iou(boxes1, boxes2, fmt)`: pairwise intersection over union of `[..., N, 4]` and
    /// `[..., M, 4]` boxes, `[..., N, M]`. Integer boxes give float32 ratios.
    public static func boxIoU(_ boxes1: Tensor, _ boxes2: Tensor, format: BoxFormat = .xyxy) -> Tensor {
        let (inter, union) = interUnion(boxes1, boxes2, format: format, op: "boxIoU")
        return inter / union
    }

    /// `ops.generalized_box_iou`: IoU minus the share of the smallest enclosing box that the
    /// union does not cover. `xyxy` boxes.
    public static func generalizedBoxIoU(_ boxes1: Tensor, _ boxes2: Tensor) -> Tensor {
        let (inter, union) = interUnion(boxes1, boxes2, format: .xyxy, op: "generalizedBoxIoU")
        let iou = inter / union
        let whi = enclosingSize(boxes1, boxes2)
        let areai = whi.select(-1, 0) * whi.select(-1, 1)
        return iou - (areai - union) / areai
    }

    /// `ops.distance_box_iou`: IoU minus the squared distance of the centres over the squared
    /// diagonal of the enclosing box (plus `eps`). `xyxy` boxes.
    public static func distanceBoxIoU(_ boxes1: Tensor, _ boxes2: Tensor, eps: Double = 1e-7) -> Tensor {
        diouIoU(upcast(boxes1), upcast(boxes2), eps: eps, op: "distanceBoxIoU").diou
    }

    /// `ops.complete_box_iou`: distance IoU minus `alpha · v`, where `v` measures how the aspect
    /// ratios differ; `alpha` is treated as a constant in backward, as torchvision computes it
    /// under `no_grad`. `xyxy` boxes.
    public static func completeBoxIoU(_ boxes1: Tensor, _ boxes2: Tensor, eps: Double = 1e-7) -> Tensor {
        let b1 = upcast(boxes1), b2 = upcast(boxes2)
        let (diou, iou) = diouIoU(b1, b2, eps: eps, op: "completeBoxIoU")
        let wPred = (b1.select(-1, 2) - b1.select(-1, 0)).unsqueeze(-1)
        let hPred = (b1.select(-1, 3) - b1.select(-1, 1)).unsqueeze(-1)
        let wGT = (b2.select(-1, 2) - b2.select(-1, 0)).unsqueeze(-2)
        let hGT = (b2.select(-1, 3) - b2.select(-1, 1)).unsqueeze(-2)
        let v = (wPred / hPred).atan().sub((wGT / hGT).atan()).pow(2) * Scalar.double(4 / (Double.pi * Double.pi))
        let alpha = withNoGrad { v / ((1 - iou + v) + Scalar.double(eps)) }
        return diou - alpha * v
    }

    /// `ops.clip_boxes_to_image(boxes, (height, width))`: `xyxy` boxes clamped to the image.
    public static func clipBoxesToImage(_ boxes: Tensor, size: (height: Int, width: Int)) -> Tensor {
        checkBoxes(boxes, op: "clipBoxesToImage")
        let xs = boxes.index([.ellipsis, .slice(0, nil, step: 2)]).clamp(min: Scalar.int(0), max: Scalar.int(Int64(size.width)))
        let ys = boxes.index([.ellipsis, .slice(1, nil, step: 2)]).clamp(min: Scalar.int(0), max: Scalar.int(Int64(size.height)))
        return Tensor.stack([xs, ys], dim: boxes.dim).reshape(boxes.shape)
    }

    /// `ops.remove_small_boxes(boxes, min_size)`: the int64 indices (along the first dimension)
    /// of the `xyxy` boxes whose width and height are both at least `minSize`.
    public static func removeSmallBoxes(_ boxes: Tensor, minSize: Double) -> Tensor {
        checkBoxes(boxes, op: "removeSmallBoxes")
        let ws = boxes.select(-1, 2) - boxes.select(-1, 0), hs = boxes.select(-1, 3) - boxes.select(-1, 1)
        let keep = ws.ge(Scalar.double(minSize)).logicalAnd(hs.ge(Scalar.double(minSize)))
        return keep.nonzero(asTuple: true)[0]
    }

    /// `ops.masks_to_boxes`: `[N, H, W]` masks (any dtype; non-zero is inside) to `[N, 4]` float32
    /// `xyxy` boxes of their inclusive pixel extents; an empty mask gives zeros.
    public static func masksToBoxes(_ masks: Tensor) -> Tensor {
        if masks.count == 0 { return Tensor.zeros([0, 4], dtype: .float32) }
        precondition(masks.dim == 3, "masksToBoxes: expected masks of shape [N, H, W], got \(masks.shape)")
        let (n, h, w) = (masks.size(0), masks.size(1), masks.size(2))
        let bits = masks.ne(Scalar.int(0)).contiguous().toArray(Bool.self)
        var out = [Float](repeating: 0, count: n * 4)
        for i in 0..<n {
            var (x1, y1, x2, y2) = (w, h, -1, -1)
            for y in 0..<h {
                let row = (i * h + y) * w
                for x in 0..<w where bits[row + x] {
                    x1 = min(x1, x); x2 = max(x2, x); y1 = min(y1, y); y2 = max(y2, y)
                }
            }
            if x2 >= 0 { out.replaceSubrange((i * 4)..<(i * 4 + 4), with: [Float(x1), Float(y1), Float(x2), Float(y2)]) }
        }
        return Tensor(out, shape: [n, 4])
    }

    // MARK: Shared pieces

    /// torchvision's `_upcast`: float16/bfloat16 → float32, 8/16-bit integers → int32, so that
    /// products of coordinates do not overflow.
    static func upcast(_ t: Tensor) -> Tensor {
        if t.dtype.isFloatingPoint { return t.dtype == .float32 || t.dtype == .float64 ? t : t.to(.float32) }
        return t.dtype == .int32 || t.dtype == .int64 ? t : t.to(.int32)
    }

    static func checkBoxes(_ boxes: Tensor, op: String) {
        precondition(boxes.dim >= 1 && boxes.size(-1) == 4, "\(op): boxes must have shape [..., 4], got \(boxes.shape)")
    }

    static func unbind4(_ b: Tensor) -> (Tensor, Tensor, Tensor, Tensor) { (b.select(-1, 0), b.select(-1, 1), b.select(-1, 2), b.select(-1, 3)) }

    /// `[..., N, 1, 2]` and `[..., 1, M, 2]` views of a corner pair, for pairwise broadcasting.
    static func pairwise(_ b1: Tensor, _ b2: Tensor, start: Int) -> (Tensor, Tensor) {
        (b1.narrow(-1, start: start, length: 2).unsqueeze(-2), b2.narrow(-1, start: start, length: 2).unsqueeze(-3))
    }

    /// torchvision's `_box_inter_union`: pairwise intersection and union areas.
    static func interUnion(_ boxes1: Tensor, _ boxes2: Tensor, format: BoxFormat, op: String) -> (inter: Tensor, union: Tensor) {
        checkBoxes(boxes1, op: op)
        checkBoxes(boxes2, op: op)
        let area1 = boxArea(boxes1, format: format), area2 = boxArea(boxes2, format: format)
        let lt: Tensor, rb: Tensor
        switch format {
        case .xyxy:
            let (a0, b0) = pairwise(boxes1, boxes2, start: 0), (a2, b2) = pairwise(boxes1, boxes2, start: 2)
            lt = a0.maximum(b0)
            rb = a2.minimum(b2)
        case .xywh:
            let (a0, b0) = pairwise(boxes1, boxes2, start: 0), (a2, b2) = pairwise(boxes1, boxes2, start: 2)
            lt = a0.maximum(b0)
            rb = (a0 + a2).minimum(b0 + b2)
        case .cxcywh:
            let (a0, b0) = pairwise(boxes1, boxes2, start: 0), (a2, b2) = pairwise(boxes1, boxes2, start: 2)
            lt = (a0 - a2 / 2).maximum(b0 - b2 / 2)
            rb = (a0 + a2 / 2).minimum(b0 + b2 / 2)
        }
        let wh = upcast(rb - lt).clamp(min: Scalar.int(0))
        let inter = wh.select(-1, 0) * wh.select(-1, 1)
        let union = area1.unsqueeze(-1) + area2.unsqueeze(-2) - inter
        return (inter, union)
    }

    /// Width and height of the smallest box enclosing each pair, `[..., N, M, 2]`.
    static func enclosingSize(_ boxes1: Tensor, _ boxes2: Tensor) -> Tensor {
        let (a0, b0) = pairwise(boxes1, boxes2, start: 0), (a2, b2) = pairwise(boxes1, boxes2, start: 2)
        return upcast(a2.maximum(b2) - a0.minimum(b0)).clamp(min: Scalar.int(0))
    }

    /// torchvision's `_box_diou_iou`.
    static func diouIoU(_ boxes1: Tensor, _ boxes2: Tensor, eps: Double, op: String) -> (diou: Tensor, iou: Tensor) {
        let iou = boxIoU(boxes1, boxes2)
        let whi = enclosingSize(boxes1, boxes2)
        let diagonal = whi.select(-1, 0).pow(2) + whi.select(-1, 1).pow(2) + Scalar.double(eps)
        let (x1, y1, x2, y2) = unbind4(boxes1), (u1, v1, u2, v2) = unbind4(boxes2)
        let xp = (x1 + x2) / 2, yp = (y1 + y2) / 2, xg = (u1 + u2) / 2, yg = (v1 + v2) / 2
        let centres = upcast(xp.unsqueeze(-1) - xg.unsqueeze(-2)).pow(2) + upcast(yp.unsqueeze(-1) - yg.unsqueeze(-2)).pow(2)
        return (iou - centres / diagonal, iou)
    }
}
