// zoo-scaffold: creates a new method target (entry type, skeleton, tests, zoo.json entry).
// The `zoo-new-method` command plugin runs it; it also runs on its own:
//
//   swift run zoo-scaffold --package-path . --name my-head --kind head --family retrieval
//
// Problems go to stderr with exit status 1 (2 for usage errors) and nothing written.
import Foundation
import ZooScaffold

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func run() -> Int32 {
    // The plugin passes its verb's name so usage lines show what the user typed.
    let command = ProcessInfo.processInfo.environment["ZOO_SCAFFOLD_COMMAND"] ?? "swift run zoo-scaffold"
    let arguments: ScaffoldArguments
    do {
        arguments = try ScaffoldArguments(Array(CommandLine.arguments.dropFirst()))
    } catch {
        standardError("error: \(error)")
        return 2
    }
    if arguments.help {
        print(ScaffoldArguments.usage(command: command))
        return 0
    }
    do {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let request = try arguments.request(currentYear: year)
        let root = URL(fileURLWithPath: arguments.packagePath, isDirectory: true).standardizedFileURL
        let plan = try ScaffoldPlan(request: request, packageDirectory: root)
        if arguments.dryRun {
            print("Dry run: nothing written. Would create:")
            for file in plan.files { print("\n==> \(file.path)\n\(file.contents)") }
            print("==> zoo.json: entry \"\(request.name)\" appended at line \(plan.entryLine)")
            return 0
        }
        try plan.write()
        print(plan.report, terminator: "")
        return 0
    } catch {
        standardError("error: \(error)")
        if case .usage = error { return 2 }
        return 1
    }
}

exit(run())
