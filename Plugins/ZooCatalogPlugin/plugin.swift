// Generates the ZooCatalog target's source from zoo.json at build time.
// The plugin only wires paths: ZooCatalogGenerator (built from ZooManifest) validates zoo.json
// and writes the file, so a bad manifest fails the build with `zoo.json:LINE:COL: error: ...`.
// Output goes only into the plugin's work directory, as SwiftPM requires.
import Foundation
import PackagePlugin

@main
struct ZooCatalogPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let packageDirectory = context.package.directoryURL
        let manifest = packageDirectory.appending(path: "zoo.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedZooCatalog.swift")
        // The targets this build graph really has, so the generator can detect a Package.swift
        // evaluation that SwiftPM cached from an older zoo.json.
        let declaredMethodTargets = target.dependencies.compactMap { dependency -> String? in
            guard case let .target(dependencyTarget) = dependency, dependencyTarget.name != "ZooCore" else { return nil }
            return dependencyTarget.name
        }
        let arguments = [
            "--manifest", manifest.path(percentEncoded: false),
            "--methods", packageDirectory.appending(path: "Sources/Methods").path(percentEncoded: false),
            "--output", output.path(percentEncoded: false),
            "--declared-targets", declaredMethodTargets.joined(separator: ","),
        ]
        return [
            .buildCommand(
                displayName: "Generating ZooCatalog from zoo.json",
                executable: try context.tool(named: "ZooCatalogGenerator").url,
                arguments: arguments,
                inputFiles: [manifest],
                outputFiles: [output]),
        ]
    }
}
