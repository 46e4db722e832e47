// Where a command writes a file: never onto one of the files it reads, and never over an existing
// file unless asked (`--force`), so a mistyped `--out` cannot destroy a checkpoint.
import Foundation
import ZooCommandLine

enum OutputFile {
    /// The `--force` flag of commands that write files.
    static let forceOption = OptionSpec.flag("force", help: "Replace the --out file when it exists")

    /// Throws a usage error when `path` is one of `inputs` (or a file of an input folder: a
    /// Hugging Face directory's model.safetensors or config.json), or exists and `force` is off.
    static func check(_ path: String, inputs: [String], force: Bool) throws {
        let out = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        for input in inputs {
            let url = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            let insideInputFolder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
                && out.deletingLastPathComponent() == url && ["model.safetensors", "config.json"].contains(out.lastPathComponent)
            if out == url || insideInputFolder {
                throw UsageError("--out \(path) is a file this command reads (\(input)); write the output elsewhere")
            }
        }
        if FileManager.default.fileExists(atPath: out.path) && !force {
            throw UsageError("--out \(path) already exists; choose another file, or add --force to replace it")
        }
    }
}
