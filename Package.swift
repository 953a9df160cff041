// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "fluxloop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fluxloop", targets: ["fluxloop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // Turns files that must travel inside the binary (SQL migrations, the Python worker) into Swift source.
        .executableTarget(name: "embed-files"),
        .plugin(
            name: "EmbedFiles",
            capability: .buildTool(),
            dependencies: ["embed-files"]
        ),
        // Small shared vocabulary every layer may use: JSON, the console, user-facing errors, locks, hashing.
        .target(name: "Core"),
        // The HTML report: renders plain model structs to one self-contained page, streamed to a file.
        .target(name: "Report", dependencies: ["Core"]),
        .target(
            name: "Store",
            dependencies: ["CSQLite", "Core"],
            plugins: ["EmbedFiles"]
        ),
        // The PostgreSQL connection layer and its migrations (migrations/postgresql/), through libpq.
        .target(
            name: "PostgresStore",
            dependencies: ["CLibPQ", "Core"],
            plugins: ["EmbedFiles"]
        ),
        // The engines behind one protocol: Store's SQLite and PostgresStore's PostgreSQL, picked by the locator.
        .target(name: "TeamStore", dependencies: ["Core", "PostgresStore", "Store"]),
        .target(
            name: "Runner",
            dependencies: ["Core", "Store", "Evaluation", "TeamStore", "Yams", .product(name: "Subprocess", package: "swift-subprocess")],
            exclude: ["Python"],
            plugins: ["EmbedFiles"]
        ),
        // The presentation of every `fluxloop query` subcommand: reads through Store, never runs an experiment.
        .target(name: "Query", dependencies: ["Core", "Evaluation", "Report", "Store", "TeamStore"]),
        // Scoring (FluxLoop's evaluation.yaml checks and LLM judges) and the statistics of comparisons.
        .target(name: "Evaluation", dependencies: ["Core", "Yams"]),
        .executableTarget(
            name: "fluxloop",
            dependencies: [
                "Core", "Query", "Runner", "Store", "TeamStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks live in bench/; the store one doubles as a second writer process for the tests.
        .executableTarget(name: "fluxloop-store-bench", dependencies: ["Store"], path: "bench/StoreBench"),
        .executableTarget(name: "fluxloop-pg-bench", dependencies: ["Core", "Store", "TeamStore"], path: "bench/PostgresBench"),
        .executableTarget(name: "fluxloop-query-bench", dependencies: ["Core", "Store"], path: "bench/QueryBench"),
        // Where the tests find FluxLoop's reference projects (shared/reference, beside the repository).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ReportTests", dependencies: ["Report", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "StoreTests", dependencies: ["Core", "Store", "TestSupport"], exclude: ["Fixtures"]),
        .executableTarget(name: "fluxloop-evaluation-bench", dependencies: ["Evaluation"], path: "bench/EvaluationBench"),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["Core", "PostgresStore", "Store", "TeamStore", "TestSupport"]),
        .testTarget(name: "QueryTests", dependencies: ["Evaluation", "Query", "Store"]),
        .testTarget(name: "RunnerTests", dependencies: ["Core", "Runner", "Store", "Evaluation", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
