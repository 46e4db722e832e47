// What the command tests share: the registry of every built method, as `zoo` builds it, and a
// way to run commands in-process with their output captured.
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooManifest

let commandTestRegistry = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)

/// Runs `arguments` (command name first) through a tool offering `commands`; returns the exit
/// status, standard output and standard error.
func runZoo(_ commands: [any Command], _ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: commands)
    let status = tool.run(arguments, console: console)
    return (status, console.output, console.errors)
}
