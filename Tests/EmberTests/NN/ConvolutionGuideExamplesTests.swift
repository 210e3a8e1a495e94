import XCTest
@testable import Ember

/// The "Convolution and pooling" examples of `Docs/Core.md`, run as written.
final class ConvolutionGuideExamplesTests: XCTestCase {
    func testConvolutionAndPoolingExample() {
        Random.manualSeed(0)
        let conv = Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, padding: .same)  // nn.Conv2d(3, 8, 3, padding="same")
        let images = Tensor.randn([4, 3, 32, 32])
        let features = Functional.maxPool2d(conv(images).relu(), kernelSize: 2)         // [4, 8, 16, 16]
        let pooled = Functional.adaptiveAvgPool2d(features, outputSize: 1)              // [4, 8, 1, 1]
        let resized = Functional.interpolate(features, size: [24, 24], mode: .bilinear)  // [4, 8, 24, 24]
        let padded = Functional.pad(images, [1, 1, 2, 2], mode: .reflect)               // [4, 3, 36, 34]
        let (maxima, indices) = Functional.maxPool2dWithIndices(images, kernelSize: 2)  // indices are h·W + w
        let depthwise = Functional.conv2d(images, Tensor.randn([6, 1, 3, 3]), stride: 2, padding: 1, groups: 3)
        let upsampled = ConvTranspose2d(inChannels: 8, outChannels: 3, kernelSize: 4, stride: 2, padding: 1)(features)

        XCTAssertEqual(features.shape, [4, 8, 16, 16])
        XCTAssertEqual(pooled.shape, [4, 8, 1, 1])
        XCTAssertEqual(resized.shape, [4, 8, 24, 24])
        XCTAssertEqual(padded.shape, [4, 3, 36, 34])
        XCTAssertEqual(maxima.shape, [4, 3, 16, 16])
        XCTAssertEqual(depthwise.shape, [4, 6, 16, 16])
        XCTAssertEqual(upsampled.shape, [4, 3, 32, 32])
        // The indices point at the maxima: gathering the flattened planes at them gives them back.
        let planes = images.reshape(12, 1024), flat = indices.reshape(12, 256)
        XCTAssertTrue(planes.gather(1, flat).equal(maxima.reshape(12, 256)))
        // The mean over the pooled plane is the global average.
        assertClose(pooled.flatten(), features.mean(dims: [2, 3]).flatten(), rtol: 1e-5, atol: 1e-6)
    }
}
