import Ember
import Foundation
import XCTest

@testable import EmberVision

/// torchvision.ops parity (fixture ops.json, made by Scripts/fixtures/vision_ops.py).
///
/// Tolerances: box conversions, areas, clipping, nms/batched_nms indices, small-box removal and
/// masks_to_boxes — exact (same arithmetic, same order). IoU variants — rtol 1e-6 / atol 1e-6 in
/// float32 and 1e-12 in float64 (the same formulas in tensor ops; atan's last bit may differ
/// between libm versions). roi_align/roi_pool — forward and input gradients atol 1e-6 (float32)
/// and 1e-12 (float64): same kernels and accumulation order, so in practice exact; the bound
/// leaves room for a contracted multiply-add.
final class VisionOpsTests: XCTestCase {
    func tol(_ t: Tensor) -> Double { t.dtype == .float64 ? 1e-12 : 1e-6 }

    func testBoxConvertAndArea() throws {
        var checked = 0
        for c in try VisionFixtures.cases("ops.json") where c["expected"] != nil {
            let expected = VisionFixtures.tensor(c["expected"])
            switch c["op"] as! String {
            case "boxConvert":
                let boxes = VisionFixtures.tensor(c["boxes"])
                let out = VisionOps.boxConvert(boxes, from: BoxFormat(rawValue: c["in"] as! String)!, to: BoxFormat(rawValue: c["out"] as! String)!)
                assertClose(out, expected, "\(c["in"]!)→\(c["out"]!) \(boxes.dtype)")
            case "boxArea":
                let out = VisionOps.boxArea(VisionFixtures.tensor(c["boxes"]), format: BoxFormat(rawValue: c["fmt"] as! String)!)
                assertClose(out, expected, "boxArea \(c["fmt"]!)")
            default: continue
            }
            checked += 1
        }
        XCTAssertEqual(checked, 27)
    }

    func testIoUVariants() throws {
        var checked = 0
        for c in try VisionFixtures.cases("ops.json") {
            guard let b1 = c["boxes1"], let b2 = c["boxes2"], c["expected"] != nil else { continue }
            let boxes1 = VisionFixtures.tensor(b1), boxes2 = VisionFixtures.tensor(b2)
            let expected = VisionFixtures.tensor(c["expected"])
            let out: Tensor
            switch c["op"] as! String {
            case "boxIoU": out = VisionOps.boxIoU(boxes1, boxes2, format: BoxFormat(rawValue: c["fmt"] as! String)!)
            case "generalizedBoxIoU": out = VisionOps.generalizedBoxIoU(boxes1, boxes2)
            case "distanceBoxIoU": out = VisionOps.distanceBoxIoU(boxes1, boxes2)
            case "completeBoxIoU": out = VisionOps.completeBoxIoU(boxes1, boxes2)
            default: XCTFail("unexpected op \(c["op"]!)"); continue
            }
            assertClose(out, expected, rtol: tol(expected), atol: tol(expected), "\(c["op"]!) \(boxes1.shape) \(boxes1.dtype)")
            checked += 1
        }
        XCTAssertEqual(checked, 15)
    }

    func testNMSAndFriends() throws {
        var checked = 0
        for c in try VisionFixtures.cases("ops.json") where c["expected"] != nil {
            let expected = VisionFixtures.tensor(c["expected"])
            let out: Tensor
            switch c["op"] as! String {
            case "nms":
                out = VisionOps.nms(VisionFixtures.tensor(c["boxes"]), scores: VisionFixtures.tensor(c["scores"]), iouThreshold: c["iouThreshold"] as! Double)
            case "batchedNMS":
                out = VisionOps.batchedNMS(
                    VisionFixtures.tensor(c["boxes"]), scores: VisionFixtures.tensor(c["scores"]), idxs: VisionFixtures.tensor(c["idxs"]),
                    iouThreshold: c["iouThreshold"] as! Double)
            case "clipBoxesToImage":
                let size = c["size"] as! [Int]
                out = VisionOps.clipBoxesToImage(VisionFixtures.tensor(c["boxes"]), size: (size[0], size[1]))
            case "removeSmallBoxes":
                out = VisionOps.removeSmallBoxes(VisionFixtures.tensor(c["boxes"]), minSize: c["minSize"] as! Double)
            case "masksToBoxes":
                out = VisionOps.masksToBoxes(VisionFixtures.tensor(c["masks"]))
            default: continue
            }
            assertClose(out, expected, "\(c["op"]!)")
            checked += 1
        }
        XCTAssertEqual(checked, 11)
    }

    /// The fixture's upstream-gradient weights: ((i·7) mod 11 − 5) / 4, exact in both languages.
    func weights(_ shape: [Int], _ dtype: DType) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { Double((($0 * 7) % 11) - 5) / 4 }, shape: shape).to(dtype)
    }

    func testRoIAlignAndRoIPoolAgainstTorchvision() throws {
        var inputs: [String: (Tensor, Tensor)] = [:]
        var checked = 0
        for c in try VisionFixtures.cases("ops.json") {
            let op = c["op"] as! String
            if op == "roiInput" {
                inputs[c["dtype"] as! String] = (VisionFixtures.tensor(c["input"]), VisionFixtures.tensor(c["rois"]))
                continue
            }
            guard op == "roiAlign" || op == "roiPool" else { continue }
            let (input, rois) = inputs[c["dtype"] as! String]!
            let x = input.clone().requiresGrad_()
            let size = c["outputSize"] as! [Int], scale = c["spatialScale"] as! Double
            let out = op == "roiAlign"
                ? VisionOps.roiAlign(x, boxes: rois, outputSize: size, spatialScale: scale, samplingRatio: c["samplingRatio"] as! Int, aligned: c["aligned"] as! Bool)
                : VisionOps.roiPool(x, boxes: rois, outputSize: size, spatialScale: scale)
            let expected = VisionFixtures.tensor(c["expected"])
            assertClose(out.detach(), expected, atol: tol(expected), "\(op) forward \(c)")
            (out * weights(out.shape, out.dtype)).sum().backward()
            assertClose(x.grad!, VisionFixtures.tensor(c["grad"]), atol: tol(expected), "\(op) input gradient \(size) \(input.dtype)")
            checked += 1
        }
        XCTAssertEqual(checked, 10)
    }

    func testRoIAlignWithPerImageBoxes() throws {
        let cases = try VisionFixtures.cases("ops.json")
        let input = VisionFixtures.tensor(cases.first { $0["op"] as? String == "roiInput" }!["input"])
        let c = cases.first { $0["op"] as? String == "roiAlignList" }!
        let out = VisionOps.roiAlign(
            input, boxes: [VisionFixtures.tensor(c["boxes0"]), VisionFixtures.tensor(c["boxes1"])], outputSize: [2, 2], samplingRatio: 2)
        assertClose(out, VisionFixtures.tensor(c["expected"]), atol: 1e-6)
    }

    /// Float64 finite differences through the region ops, first and second order (the
    /// gradient is linear in the upstream gradient, so its own gradient is the forward op).
    func testRoIGradcheck() throws {
        let input = (Tensor.arange(Scalar.int(0), Scalar.int(2 * 2 * 6 * 7), dtype: .float64).reshape([2, 2, 6, 7]) * 0.37).sin().requiresGrad_()
        let rois = Tensor([[0, 0.4, 0.7, 4.6, 5.2], [1, 1.3, -0.8, 6.9, 3.1], [1, 2.2, 2.1, 2.6, 2.5]], dtype: .float64)
        for aligned in [false, true] {
            for ratio in [-1, 2] {
                try gradcheck(inputs: [input]) { [VisionOps.roiAlign($0[0], boxes: rois, outputSize: [3, 2], spatialScale: 0.9, samplingRatio: ratio, aligned: aligned)] }
                try gradgradcheck(inputs: [input]) { [VisionOps.roiAlign($0[0], boxes: rois, outputSize: [2, 2], samplingRatio: ratio, aligned: aligned)] }
            }
        }
        // roi_pool: distinct values keep every maximum isolated, so the finite differences see no kink.
        try gradcheck(inputs: [input]) { [VisionOps.roiPool($0[0], boxes: rois, outputSize: [2, 3], spatialScale: 1)] }
        try gradgradcheck(inputs: [input]) { [VisionOps.roiPool($0[0], boxes: rois, outputSize: [2, 2])] }
    }

    /// The box formulas are tensor ops, hence differentiable, as torchvision's (used by the
    /// generalized/distance/complete IoU losses).
    func testBoxIoUGradcheck() throws {
        let b1 = Tensor([[0.0, 0.5, 3.0, 4.0], [1.0, 1.2, 2.5, 5.0]], dtype: .float64).requiresGrad_()
        let b2 = Tensor([[0.3, 0.1, 2.0, 3.3], [1.5, 2.0, 4.0, 6.0], [0.2, 0.4, 3.1, 2.2]], dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [b1, b2]) { [VisionOps.generalizedBoxIoU($0[0], $0[1])] }
        try gradcheck(inputs: [b1, b2]) { [VisionOps.distanceBoxIoU($0[0], $0[1])] }
        // complete_box_iou computes alpha under no_grad, so its gradient is deliberately not what
        // finite differences see: compared with torchvision's gradients instead (exact formulas, 1e-12).
        let c = try VisionFixtures.cases("ops.json").first { $0["op"] as? String == "completeBoxIoUGrad" }!
        let p1 = VisionFixtures.tensor(c["boxes1"]).requiresGrad_(), p2 = VisionFixtures.tensor(c["boxes2"]).requiresGrad_()
        let out = VisionOps.completeBoxIoU(p1, p2)
        (out * weights(out.shape, .float64)).sum().backward()
        assertClose(p1.grad!, VisionFixtures.tensor(c["grad1"]), rtol: 1e-12, atol: 1e-12)
        assertClose(p2.grad!, VisionFixtures.tensor(c["grad2"]), rtol: 1e-12, atol: 1e-12)
    }

    func testEmptyInputs() {
        XCTAssertEqual(VisionOps.nms(Tensor.zeros([0, 4]), scores: Tensor.zeros([0]), iouThreshold: 0.5).shape, [0])
        XCTAssertEqual(VisionOps.batchedNMS(Tensor.zeros([0, 4]), scores: Tensor.zeros([0]), idxs: Tensor.zeros([0], dtype: .int64), iouThreshold: 0.5).shape, [0])
        XCTAssertEqual(VisionOps.masksToBoxes(Tensor.zeros([0, 3, 3])).shape, [0, 4])
    }
}
