// `swift package --allow-writing-to-package-directory zoo-new-method --name NAME --kind KIND --family FAMILY`
//
// Plugins cannot link the package's libraries, so this one only runs the `zoo-scaffold` tool
// (built from ZooScaffold) with the package folder and the user's arguments; the tool does the
// checking and writing, and prints the next steps.
import Foundation
import PackagePlugin

@main
struct ZooNewMethod: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "zoo-scaffold")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["--package-path", context.package.directoryURL.path(percentEncoded: false)] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ZOO_SCAFFOLD_COMMAND"] = "swift package --allow-writing-to-package-directory zoo-new-method"
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        // The tool has already explained the problem on stderr; this only sets the exit status.
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ScaffoldFailed(status: process.terminationStatus)
        }
    }
}

struct ScaffoldFailed: Error, CustomStringConvertible {
    let status: Int32
    var description: String { "zoo-scaffold exited with status \(status); its own message says why." }
}
