// swift-tools-version: 6.1
import PackageDescription

/// The schema's SQL files, embedded into the binary. Listed by name, not found by reading
/// the folder: SwiftPM caches this manifest and does not notice a new file there. A test
/// checks this list, `Schema.migrations` and `Schema.definitions` against the folders.
let schemaFiles: [Resource] = [
    "bookkeeping.sql",
    "migrations/0001_baseline.sql",
    "migrations/0002_version2_made_one.sql",
    "migrations/0003_supplier_identity_fails_closed.sql",
    "migrations/0004_escalations_climb_disputes_paused_ola.sql",
    "migrations/0005_targets_inherit_per_field.sql",
    "migrations/0006_notifications.sql",
    "definitions/basics.sql",
    "definitions/calendars.sql",
    "definitions/catalog.sql",
    "definitions/incidents.sql",
    "definitions/handoffs.sql",
    "definitions/escalations.sql",
    "definitions/disputes.sql",
    "definitions/daemon.sql",
    "definitions/feed.sql",
    "definitions/reports.sql",
    "definitions/notifications.sql",
    "definitions/security.sql",
].map { .embedInCode("Schema/" + $0) }

let package = Package(
    name: "siamd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "siamd", targets: ["siamd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        /// Webhook delivery (issue 14): a maintained HTTP/1.1+2 client with TLS verification
        /// and timeouts, rather than sockets by hand.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        /// Already built for async-http-client: named for its request and header types.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        /// HMAC-SHA256 signatures of webhook bodies.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        /// libpq, the PostgreSQL client library, as Debian ships it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        /// Pure decisions: domain types, business-time arithmetic. No I/O, no clock reads, no logging.
        .target(name: "SiamCore"),
        /// Database access over libpq, and the private PostgreSQL cluster used by tests.
        .target(
            name: "SiamStore",
            dependencies: ["CLibPQ", "SiamCore", "SiamReport"],
            resources: schemaFiles
        ),
        /// Governance reports: the scorecard model and its self-contained HTML page. Pure.
        .target(name: "SiamReport", dependencies: ["SiamCore"]),
        /// The daemon's services: the coordination loop, systemd notification, logs, signals.
        .target(
            name: "SiamDaemon",
            dependencies: [
                "SiamCore",
                "SiamStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        /// The admin CLI and daemon binary.
        .executableTarget(
            name: "siamd",
            dependencies: [
                "SiamCore",
                "SiamStore",
                "SiamDaemon",
                "SiamReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// Benchmarks: print figures and write them to BENCHMARKS.md.
        .executableTarget(name: "siamd-bench", dependencies: ["SiamCore", "SiamStore", "SiamDaemon", "SiamReport"]),
        .testTarget(name: "SiamCoreTests", dependencies: ["SiamCore"]),
        .testTarget(
            name: "SiamdTests",
            dependencies: ["SiamCore", "SiamStore", "SiamDaemon", "SiamReport", "siamd"],
            // Old schemas from git history, read by MigrationTests through #filePath.
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
