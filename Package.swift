// swift-tools-version:6.1
// The vcdscript package. Layers and the direction of their arrows: docs/architecture.md.
import PackageDescription

/// Release builds of the interpreter skip dynamic exclusivity checks: the evaluator keeps its
/// frames in class-held storage and the checks cost more than half of its run time (measured in
/// ../shared/reference/swift-stack.md §4). Debug builds keep them as a safety net.
let fastInterpreter: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "vcdscript",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vcdscript", targets: ["vcdscript"]),
        .library(name: "VCDScript", targets: ["VCDScript"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // `sim serve --tls`: HummingbirdTLS is built on it (and so on BoringSSL); named for NIOSSLContext.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.2"),
        // SHA-256 for the simulator's OVA manifests (already in the graph through TLS).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // System libraries, with static-inline shims for the C variadics Swift cannot call.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Real C for what must be async-signal-safe (the SIGINT flag).
        .target(name: "CSupport"),

        // IPv4 addresses, networks (CIDR) and ranges: values only, below the language and the clouds alike.
        .target(name: "NetAddress"),
        // JSON and YAML documents: the one ordered JSON model (JSONValue), its reader and writer,
        // and the one YAML bridge (Yams). Below the language and the cloud layers alike.
        .target(
            name: "Documents",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // The language: lexer, parser, resolver, evaluator, values, errors, modules. No cloud code.
        .target(
            name: "VCDScript",
            dependencies: [
                "NetAddress",
                "Documents",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: fastInterpreter
        ),
        // Wire types shared by the simulator and the client: Codable bodies, URNs, media types.
        .target(name: "CloudWire", dependencies: ["NetAddress", "Documents"]),
        // The embedded simulator: store, router, handlers, clock, faults, served over Hummingbird (HTTP or TLS).
        .target(
            name: "CloudSim",
            dependencies: [
                "CloudWire",
                // The address of Swift's global-executor hook (`sim serve` runs its tasks on the event loops).
                "CSupport",
                "NetAddress",
                "Documents",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2 (BoringSSL's) for the personas' password digests: fast enough in debug builds
                // to afford thousands of rounds per login.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The simulated CAPVCD 0.5.x reads its controller_manager_config.yaml as the real one does.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Transports (libcurl, in-process) and the VCD / NSX / ALB / Kubernetes clients.
        .target(
            name: "CloudClient",
            dependencies: ["CloudWire", "Documents", "CCurl", "CSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // The provisioning engine: ensure / diff / plan, waits, locks.
        .target(name: "Provisioning", dependencies: ["CloudClient", "NetAddress"]),
        // Engine objects as script types.
        .target(name: "ScriptCloud", dependencies: ["VCDScript", "Provisioning", "NetAddress", "Documents"]),
        // The command line, the REPL, the runner and `sim serve`: wires everything together.
        .executableTarget(
            name: "vcdscript",
            dependencies: [
                "VCDScript", "ScriptCloud", "CloudSim", "CloudClient", "CloudWire", "Provisioning", "NetAddress", "Documents", "CEditLine", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: fastInterpreter
        ),

        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "CloudWire"]),
        .testTarget(name: "VCDScriptTests", dependencies: ["VCDScript"], resources: []),
        // The node OVA the tests upload, written by the simulator's one OVA writer (`NodeImage`).
        .target(name: "TestFixtures", dependencies: ["CloudSim"], path: "Tests/TestFixtures"),
        .testTarget(name: "CloudSimTests", dependencies: ["CloudSim", "CloudWire", "NetAddress", "TestFixtures", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "CloudClientTests", dependencies: ["CloudClient", "CloudWire", "TestFixtures"], exclude: ["Support/test_server.py"]),
        // The served simulator over HTTPS, reached through the libcurl transport.
        .testTarget(name: "ServedSimulatorTests", dependencies: ["CloudSim", "CloudClient", "CloudWire"]),
        .testTarget(name: "ProvisioningTests", dependencies: ["ScriptCloud", "Provisioning", "CloudSim", "vcdscript", "TestFixtures"]),
        // The simulator's kind and clusterctl (the executable's Tools/), run in-process on a state.
        .testTarget(name: "SimToolsTests", dependencies: ["vcdscript", "CloudSim", "CloudClient", "CloudWire", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v5]
)
