// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The schema's SQL files, embedded into the binary: every `.sql` in the named folder of
/// `Sources/SiamStore/Schema`, so that a new migration needs no line here. SwiftPM reads this
/// manifest again only when it changes: after adding a file, `touch Package.swift`.
func schemaFiles(_ folder: String) -> [Resource] {
    let path = Context.packageDirectory + "/Sources/SiamStore/Schema/" + folder
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.filter { $0.hasSuffix(".sql") }.sorted().map { .embedInCode("Schema/\(folder)/\($0)") }
}

let package = Package(
    name: "siamd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "siamd", targets: ["siamd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
            resources: [.embedInCode("Schema/bookkeeping.sql")] + schemaFiles("migrations") + schemaFiles("definitions")
        ),
        /// Governance reports: the scorecard model and its self-contained HTML page. Pure.
        .target(name: "SiamReport", dependencies: ["SiamCore"]),
        /// The daemon's services: the coordination loop, systemd notification, logs, signals.
        .target(name: "SiamDaemon", dependencies: ["SiamCore", "SiamStore"]),
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
