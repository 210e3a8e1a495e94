// swift-tools-version:6.0
// Ember: PyTorch's ecosystem, native in Swift. One workspace, one product per library.
import PackageDescription

let package = Package(
    name: "Ember",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Ember", targets: ["Ember"]),
        .library(name: "EmberVision", targets: ["EmberVision"]),
        .library(name: "EmberAudio", targets: ["EmberAudio"]),
        .library(name: "EmberText", targets: ["EmberText"]),
        .library(name: "EmberHub", targets: ["EmberHub"]),
        .executable(name: "ember-hub", targets: ["ember-hub"]),
        .executable(name: "ember-tour", targets: ["EmberTour"]),
        .executable(name: "ember-digits", targets: ["EmberDigits"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: Core
        // OpenBLAS is declared for pkg-config/apt discovery and its headers; the library itself
        // is loaded with dlopen on first use so that its core type can be chosen first
        // (see Docs/Architecture.md, "BLAS loading").
        .systemLibrary(
            name: "COpenBLAS", path: "Core/Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .target(
            name: "CEmberKernels", path: "Core/Sources/CEmberKernels",
            linkerSettings: [.linkedLibrary("m"), .linkedLibrary("dl")]),
        .target(
            name: "Ember", dependencies: [
                "CEmberKernels",
                .product(name: "Numerics", package: "swift-numerics"),
            ], path: "Core/Sources/Ember"),

        // MARK: Domain libraries
        .systemLibrary(
            name: "CLibPNG", path: "Vision/Sources/CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Vision/Sources/CJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev", "libjpeg62-turbo-dev"])]),
        .target(
            name: "CEmberImage", path: "Vision/Sources/CEmberImage",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),
        // FreeType and HarfBuzz for drawBoundingBoxes' labels (Pillow's text rendering).
        .systemLibrary(
            name: "CFreeType", path: "Vision/Sources/CFreeType", pkgConfig: "freetype2",
            providers: [.apt(["libfreetype-dev", "libharfbuzz-dev"])]),
        // EmberHub (plain-URL downloads for datasets), ZIPFoundation (EMNIST's zip), Crypto (MD5 checks).
        .target(
            name: "EmberVision", dependencies: [
                "Ember", "CLibPNG", "CJPEG", "CEmberImage", "CFreeType", "EmberHub",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], path: "Vision/Sources/EmberVision"),
        .systemLibrary(
            name: "CSndfile", path: "Audio/Sources/CSndfile", pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]),
        .target(name: "EmberAudio", dependencies: ["Ember", "CSndfile", "EmberHub", .product(name: "Crypto", package: "swift-crypto")], path: "Audio/Sources/EmberAudio"),
        // ICU (normalization forms, Unicode-property regexes) is reached only through a C target
        // whose header uses <stdint.h> types: see Docs/Text.md, "Why a C target for ICU".
        .target(
            name: "CEmberICU", path: "Text/Sources/CEmberICU",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]),
        .target(name: "EmberText", dependencies: ["Ember", "CEmberICU"], path: "Text/Sources/EmberText"),
        // zlib's header stays inside this C target (its .c file), so no Swift module sees a second zlib module.
        .target(
            name: "CEmberGzip", path: "Hub/Sources/CEmberGzip",
            linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "EmberHub", dependencies: [
                "CEmberGzip",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], path: "Hub/Sources/EmberHub"),
        .executableTarget(
            name: "ember-hub", dependencies: [
                "EmberHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], path: "Hub/Sources/ember-hub"),

        // MARK: Demos and benchmarks
        .executableTarget(name: "EmberTour", dependencies: ["Ember"], path: "Demos/Tour"),
        .executableTarget(name: "EmberDigits", dependencies: ["Ember"], path: "Demos/Digits"),
        .executableTarget(name: "EmberBenchmarks", dependencies: ["Ember", "EmberVision", "EmberAudio", "EmberText", "EmberHub"], path: "Benchmarks/Swift"),

        // MARK: Tests (one per library)
        .testTarget(name: "EmberTests", dependencies: ["Ember", "EmberTestSupport"], path: "Tests/EmberTests"),
        // Test helpers shared by several test targets (test targets cannot share source files):
        // the fixture reader, assertClose and the loopback HTTP server.
        .target(name: "EmberTestSupport", dependencies: ["Ember"], path: "Tests/EmberTestSupport"),
        .testTarget(name: "EmberVisionTests", dependencies: ["EmberVision", "EmberTestSupport"], path: "Tests/EmberVisionTests"),
        .testTarget(name: "EmberAudioTests", dependencies: ["EmberAudio", "EmberTestSupport"], path: "Tests/EmberAudioTests"),
        .testTarget(name: "EmberTextTests", dependencies: ["EmberText"], path: "Tests/EmberTextTests"),
        .testTarget(
            name: "EmberHubTests", dependencies: [
                "EmberHub",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], path: "Tests/EmberHubTests"),
    ],
    swiftLanguageModes: [.v5]
)
