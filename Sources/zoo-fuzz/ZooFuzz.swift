// `zoo-fuzz`: the parsers of outside bytes under libFuzzer.
//
// Built as usual it replays inputs (`zoo-fuzz replay TARGET PATH…`, files or folders), which is
// how a crash file from a fuzzing run is reproduced under the debugger. Built by scripts/fuzz.sh
// with `-sanitize=fuzzer,address -D ZOO_FUZZING`, it is a libFuzzer binary: `ZOO_FUZZ_TARGET`
// picks the parser and every argument goes to libFuzzer (`-max_total_time=30 CORPUS…`).
//
// SwiftPM links an executable's entry point as `main` (`--defsym main=zoo_fuzz_main`), which
// leaves libFuzzer's own `main` out; so in a fuzzing build this `main` hands over to libFuzzer
// through `LLVMFuzzerRunDriver`, its documented entry for programs that keep their own main.
import Foundation
import ZooFuzzing

#if ZOO_FUZZING
private typealias FuzzerCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzerCallback) -> CInt

/// The target picked by `ZOO_FUZZ_TARGET`, read once before libFuzzer starts.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// libFuzzer's callback (also its link-time symbol, which its `main` object refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = target.run(bytes)   // accepted or refused are both fine; a crash is what libFuzzer looks for
    return 0
}
#endif

@main
struct ZooFuzz {
    static let usage = """
        zoo-fuzz: the zoo's parsers of outside bytes, under libFuzzer (see docs/fuzzing.md)

        Usage:
          zoo-fuzz list                      the fuzz targets
          zoo-fuzz replay TARGET PATH...     run files (or every file of folders) through TARGET
          scripts/fuzz.sh [--seconds N] [TARGET...]   build with libFuzzer and fuzz

        A replay prints each input it ran and exits 0; an input that breaks the parser crashes
        with the input's path printed just before it.
        """

    static func main() {
        #if ZOO_FUZZING
        let name = ProcessInfo.processInfo.environment["ZOO_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget.named(name) else {
            fail("ZOO_FUZZ_TARGET is '\(name)': set it to one of \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
        }
        selectedTarget = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "list":
            for target in FuzzTarget.all { print(target.name.padding(toLength: 14, withPad: " ", startingAt: 0) + target.summary) }
        case "replay":
            guard arguments.count >= 3 else { fail("replay needs a target and at least one file or folder.\n\n" + usage) }
            guard let target = FuzzTarget.named(arguments[1]) else {
                fail("no fuzz target '\(arguments[1])': one of \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
            }
            var accepted = 0, refused = 0
            for path in arguments.dropFirst(2) {
                for file in files(at: path) {
                    // Unbuffered, so that the path is on screen before a crash.
                    FileHandle.standardOutput.write(Data("\(file): ".utf8))
                    guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
                    let outcome = target.run([UInt8](data))
                    FileHandle.standardOutput.write(Data("\(outcome)\n".utf8))
                    if outcome.isAccepted { accepted += 1 } else { refused += 1 }
                }
            }
            FileHandle.standardOutput.write(Data("\(target.name): \(accepted) accepted, \(refused) refused, no crash\n".utf8))
        case "-h", "--help", "help":
            print(usage)
        default:
            fail(usage)
        }
        #endif
    }

    /// `path` itself, or the regular files of the folder `path` in name order.
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file or folder: \(path)") }
        guard isDirectory.boolValue else { return [path] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch { fail("cannot list \(path): \(error.localizedDescription)") }
        return names.sorted().map { path + "/" + $0 }.filter { name in
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: name, isDirectory: &nested) && !nested.boolValue
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("zoo-fuzz: \(message)\n".utf8))
        exit(2)
    }
}
