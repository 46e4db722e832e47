// zoo: the command-line interface. It reads the manifest embedded at build time and hands the
// command line to ZooCommandLine; commands live in their own files (see Commands.swift).
import Foundation
import ZooCatalog
import ZooCommandLine
import ZooCore
import ZooManifest

let console = StandardConsole()
let manifest: Manifest
do {
    // The build already validated this text, so failing here means a broken build.
    manifest = try Manifest.parse(ZooCatalog.manifestJSON)
} catch {
    console.writeError("zoo: error: the embedded zoo.json is invalid (rebuild the zoo):\n\(error)\n")
    exit(ExitStatus.failure)
}
let registry: Registry
do {
    registry = try makeRegistry(manifest: manifest)
} catch {
    console.writeError("zoo: error: a method target failed to register: \(error)\n")
    exit(ExitStatus.failure)
}
let tool = CommandLineTool(name: "zoo", version: zooVersion, summary: zooSummary,
                           commands: zooCommands(manifest: manifest, registry: registry))
exit(tool.run(Array(CommandLine.arguments.dropFirst()), console: console))
