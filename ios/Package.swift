// swift-tools-version:5.9
//
// The casetrail core as a Swift package. The Rust library arrives as a binary target
// (CaseTrailFFI.xcframework: device, simulator and macOS slices of the static library), and the
// `CaseTrail` target compiles the Swift bindings that uniffi generated for it together with our
// few additions (the Keychain vault, the os_log sink, error words for the screens). Both the
// xcframework and the generated CaseTrail.swift are produced by build-xcframework.sh and are not
// committed. The app in CaseTrailApp/ depends on this package; `swift test` runs the tests on
// macOS against the same library.

import PackageDescription

let package = Package(
    name: "CaseTrail",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "CaseTrail", targets: ["CaseTrail"]),
    ],
    targets: [
        .binaryTarget(name: "CaseTrailFFI", path: "CaseTrailFFI.xcframework"),
        .target(
            name: "CaseTrail",
            dependencies: ["CaseTrailFFI"],
            path: "Sources/CaseTrail",
            linkerSettings: [
                // The static library does not carry its link requirements: TLS certificate
                // checks and the system time zone need these two frameworks.
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
            ]
        ),
        .testTarget(
            name: "CaseTrailTests",
            dependencies: ["CaseTrail"],
            path: "Tests/CaseTrailTests"
        ),
    ]
)
