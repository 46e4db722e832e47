// swift-tools-version:6.0
// The zoo: a plugin-based model zoo and registry for text-to-video retrieval and distillation.
import Foundation  // JSONSerialization and FileManager, to read zoo.json (below)
import PackageDescription

// Without AVX2/FMA code generation the SIMD kernels compile to scalar `fmaf` calls and run
// about 150x slower (see docs/performance.md). F16C (on every AVX2 CPU) turns a float16 →
// float32 widening into one instruction instead of a library call per value (half-precision
// search indexes). Arm builds keep their defaults.
#if arch(x86_64)
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"])]
#else
let kernelSettings: [SwiftSetting] = []
#endif

// ZooTensorAVX512 holds only GEMM micro-kernels compiled for AVX-512; ZooTensor calls them only
// after a run-time CPU check (Sources/ZooTensor/CPUFeatures.swift), so the rest stays AVX2.
#if arch(x86_64)
let avx512KernelSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c", "-Xcc", "-mavx512f"])]
#else
let avx512KernelSettings: [SwiftSetting] = []
#endif

// MARK: - Method targets, declared by zoo.json (the single source of truth)
//
// Every distinct `target` of a zoo.json entry whose status is not "planned" becomes
// `Sources/Methods/<T>` (and `Tests/<T>Tests` when that folder exists). zoo.json is read
// leniently: anything this manifest cannot use (bad JSON, a missing folder, an odd name) is
// skipped rather than crashing here, and ZooCatalogGenerator, run by Plugins/ZooCatalogPlugin,
// then fails the build with `zoo.json:LINE:COL: error: ...`. SwiftPM caches this evaluation by
// Package.swift's text, not zoo.json's, so the next line lists the built method targets: any
// change to it changes this file's text, and a plain `swift build` re-reads zoo.json. zoo-scaffold
// rewrites it when it adds a method; after adding a target to zoo.json by hand, add it there too
// (the generator says so when the build graph lags behind zoo.json).
// zoo.json method targets: CLIP, CLIP4Clip, XCLIP, TeachCLIP, HintonKD, CRD, BiModalPMA

/// Names of the method targets zoo.json marks as built, in order of first appearance.
let methodTargetNames: [String] = {
    let root = Context.packageDirectory
    guard let data = FileManager.default.contents(atPath: root + "/zoo.json"),
          let json = try? JSONSerialization.jsonObject(with: data),
          let entries = (json as? [String: Any])?["entries"] as? [Any] else { return [] }
    // Same rule as NameRules.isValidTarget/isReservedTarget: a module name, never a Zoo* layer.
    func isMethodTargetName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first), !name.hasPrefix("Zoo") else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
    var names: [String] = []
    for case let entry as [String: Any] in entries {
        guard let status = entry["status"] as? String, status != "planned",
              let target = entry["target"] as? String, isMethodTargetName(target), !names.contains(target) else { continue }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root + "/Sources/Methods/" + target, isDirectory: &isDirectory),
              isDirectory.boolValue else { continue }
        names.append(target)
    }
    return names
}()

/// Each method target's `dependsOn` (the papers it builds on), read as leniently as the names:
/// unknown targets are dropped, and so is any edge that would close a cycle, so that the package
/// still loads and ZooCatalogGenerator reports the cycle at its zoo.json line.
let methodDependencies: [String: [String]] = {
    let root = Context.packageDirectory
    guard let data = FileManager.default.contents(atPath: root + "/zoo.json"),
          let json = try? JSONSerialization.jsonObject(with: data),
          let entries = (json as? [String: Any])?["entries"] as? [Any] else { return [:] }
    var declared: [String: [String]] = [:]
    for case let entry as [String: Any] in entries {
        guard let target = entry["target"] as? String, methodTargetNames.contains(target),
              let list = entry["dependsOn"] as? [Any] else { continue }
        for case let dependency as String in list where methodTargetNames.contains(dependency) && dependency != target
            && !(declared[target] ?? []).contains(dependency) {
            declared[target, default: []].append(dependency)
        }
    }
    var kept: [String: [String]] = [:]
    func reaches(_ from: String, _ to: String) -> Bool {
        from == to || (kept[from] ?? []).contains { reaches($0, to) }
    }
    for target in methodTargetNames {
        for dependency in declared[target] ?? [] where !reaches(dependency, target) { kept[target, default: []].append(dependency) }
    }
    return kept
}()

/// The method targets, each with its test target when `Tests/<T>Tests` exists.
let methodTargets: [Target] = methodTargetNames.flatMap { name -> [Target] in
    let dependencies: [Target.Dependency] = ["ZooCore", "ZooCommandLine"] + (methodDependencies[name] ?? []).map { .target(name: $0) }
    var targets: [Target] = [
        .target(name: name, dependencies: dependencies, path: "Sources/Methods/\(name)", swiftSettings: kernelSettings),
    ]
    let tests = Context.packageDirectory + "/Tests/\(name)Tests"
    if FileManager.default.fileExists(atPath: tests) {
        let hasFixtures = FileManager.default.fileExists(atPath: tests + "/Fixtures")
        targets.append(.testTarget(
            name: "\(name)Tests", dependencies: [.target(name: name), "ZooCore", "ZooCatalog", "ZooCommandLine", "ZooManifest", "ZooNN", "ZooTensor", "ZooTestSupport"],
            path: "Tests/\(name)Tests", resources: hasFixtures ? [.copy("Fixtures")] : nil,
            swiftSettings: kernelSettings))
    }
    return targets
}

let package = Package(
    name: "zoo",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ZooTensor", targets: ["ZooTensor"]),
        .library(name: "ZooNN", targets: ["ZooNN"]),
        .executable(name: "zoo-bench", targets: ["zoo-bench"]),
        .executable(name: "zoo", targets: ["zoo"]),
        .library(name: "ZooCore", targets: ["ZooCore"]),
        .library(name: "ZooManifest", targets: ["ZooManifest"]),
        .library(name: "ZooCatalog", targets: ["ZooCatalog"]),
    ],
    targets: [
        // Prefetch hints for the GEMM kernels: two inline C functions, since Swift has no prefetch.
        .target(name: "ZooPrefetch"),
        .target(name: "ZooTensorAVX512", dependencies: ["ZooPrefetch"], swiftSettings: avx512KernelSettings),
        .target(name: "ZooTensor", dependencies: ["ZooTensorAVX512", "ZooPrefetch"], swiftSettings: kernelSettings),
        .target(name: "ZooNN", dependencies: ["ZooTensor"], swiftSettings: kernelSettings),
        .executableTarget(name: "zoo-bench", dependencies: ["ZooTensor", "ZooNN", "ZooData", "ZooCore", "ZooCatalog", "ZooManifest"], swiftSettings: kernelSettings),
        // Shared test helpers (finite differences, closeness, fixture lookup) for every test target.
        .target(name: "ZooTestSupport", dependencies: ["ZooTensor", "ZooNN", "ZooData", "ZooManifest", "ZooCore"], path: "Tests/ZooTestSupport",
                swiftSettings: kernelSettings),
        .testTarget(name: "ZooTensorTests", dependencies: ["ZooTensor", "ZooTestSupport"], swiftSettings: kernelSettings),
        .testTarget(name: "ZooNNTests", dependencies: ["ZooNN", "ZooTensor", "ZooTestSupport"], swiftSettings: kernelSettings),

        // Data: tokenisation, media decoding and preprocessing, datasets. Resources hold the CLIP BPE
        // vocabulary (MIT, licence beside it).
        .target(name: "ZooData", dependencies: ["ZooTensor", "ZooNN"], resources: [.copy("Resources")], swiftSettings: kernelSettings),
        .testTarget(name: "ZooDataTests", dependencies: ["ZooData", "ZooTensor", "ZooTestSupport"], swiftSettings: kernelSettings),

        // Registry, manifest and CLI. ZooManifest is pure Foundation: the build plugin's tool uses it.
        .target(name: "ZooManifest"),
        .target(name: "ZooCore", dependencies: ["ZooTensor", "ZooNN", "ZooData", "ZooManifest", "ZooCommandLine"], swiftSettings: kernelSettings),
        .executableTarget(name: "ZooCatalogGenerator", dependencies: ["ZooManifest"]),
        .plugin(name: "ZooCatalogPlugin", capability: .buildTool(), dependencies: ["ZooCatalogGenerator"]),
        .target(
            name: "ZooCatalog", dependencies: ["ZooCore", "ZooManifest"] + methodTargetNames.map { .target(name: $0) },
            plugins: ["ZooCatalogPlugin"]),
        .target(name: "ZooCommandLine", dependencies: ["ZooManifest"]),
        // Commands that need models and data (tokenize, embed, ...); `zoo` only wires them up.
        .target(name: "ZooCommands", dependencies: ["ZooCommandLine", "ZooCore", "ZooData", "ZooNN", "ZooTensor", "ZooCatalog", "ZooManifest"],
                swiftSettings: kernelSettings),
        .testTarget(name: "ZooCommandsTests", dependencies: ["ZooCommands", "ZooCommandLine", "ZooCore", "ZooCatalog", "ZooData", "ZooManifest", "ZooNN", "ZooTensor", "ZooTestSupport"],
                    swiftSettings: kernelSettings),
        .executableTarget(name: "zoo", dependencies: ["ZooCommandLine", "ZooCommands", "ZooManifest", "ZooCore", "ZooCatalog"]),
        // The program docs/library.md shows, built by `swift build` and run by the tests.
        .executableTarget(name: "library-example", dependencies: ["ZooCore", "ZooCatalog"], path: "Examples/LibraryExample",
                          swiftSettings: kernelSettings),
        .testTarget(name: "ZooManifestTests", dependencies: ["ZooManifest"]),
        .testTarget(name: "ZooCoreTests", dependencies: ["ZooCore", "ZooCatalog", "ZooManifest", "ZooNN", "ZooTensor", "ZooTestSupport"],
                    swiftSettings: kernelSettings),
        .testTarget(name: "ZooCommandLineTests", dependencies: ["ZooCommandLine", "ZooManifest"]),

        // `swift package --allow-writing-to-package-directory zoo-new-method --name N --kind K --family F`
        // scaffolds a method target. Plugins cannot link libraries, so the plugin runs zoo-scaffold.
        .target(name: "ZooScaffold", dependencies: ["ZooManifest"]),
        .executableTarget(name: "zoo-scaffold", dependencies: ["ZooScaffold"]),
        .plugin(
            name: "ZooNewMethod",
            capability: .command(
                intent: .custom(verb: "zoo-new-method", description: "Scaffold a new method: target, skeleton, tests and zoo.json entry"),
                permissions: [.writeToPackageDirectory(reason: "It creates Sources/Methods/<Target>, Tests/<Target>Tests and appends an entry to zoo.json")]),
            dependencies: ["zoo-scaffold"]),
        .testTarget(name: "ZooScaffoldTests", dependencies: ["ZooScaffold", "ZooManifest"]),

        // Every parser of outside bytes as a libFuzzer entry point; `zoo-fuzz` replays inputs, or
        // fuzzes when scripts/fuzz.sh builds it with -sanitize=fuzzer (docs/fuzzing.md). The tests
        // replay the seed corpora of Fuzz/corpus.
        // CLIP only while zoo.json builds it: with a broken zoo.json there is no CLIP target, and
        // the package must still load so that the build fails at zoo.json's line.
        .target(name: "ZooFuzzing", dependencies: ["ZooCore", "ZooData", "ZooManifest", "ZooNN"]
                    + (methodTargetNames.contains("CLIP") ? [.target(name: "CLIP")] : []), swiftSettings: kernelSettings),
        .executableTarget(name: "zoo-fuzz", dependencies: ["ZooFuzzing"], swiftSettings: kernelSettings),
        .testTarget(name: "ZooFuzzingTests", dependencies: ["ZooFuzzing"]),
    ] + methodTargets
)
