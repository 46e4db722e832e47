import Foundation

/// A long-lived `python3 scripts/gemm_reference.py` child that times numpy matmuls on request.
///
/// One process per BLAS thread count: the count is fixed through the child's environment, which
/// works for any BLAS numpy may be built with. `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` are
/// removed from the child's environment (they can pin OpenBLAS to a slower kernel on this
/// machine kind) unless `coreType` asks for a specific kernel. With `cpu`, the helper pins itself
/// to that CPU before loading numpy (see CPUPinning.swift).
final class ReferenceProcess {
    /// The helper's self-description (numpy version, BLAS, OpenBLAS core), as JSON text.
    private(set) var info = ""
    let threads: Int
    private let helper: PythonHelper

    /// Starts the helper, or returns nil (with the reason on stderr) when python3, numpy or the
    /// script is missing.
    init?(threads: Int, coreType: String?, cpu: Int? = nil) {
        guard let script = ReferenceProcess.findScript() else {
            log("reference: scripts/gemm_reference.py not found; numpy columns stay empty")
            return nil
        }
        self.threads = threads
        var environment: [String: String?] = [
            "OPENBLAS_CORETYPE": coreType, "OPENBLAS_L2_SIZE": nil, "ZOO_REFERENCE_CPU": cpu.map { String($0) },
        ]
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"] {
            environment[name] = String(threads)
        }
        guard let helper = PythonHelper(arguments: [script], environment: environment) else {
            log("reference: cannot start python3; numpy columns stay empty")
            return nil
        }
        guard let first = helper.readLine(), first.hasPrefix("ready ") else {
            log("reference: numpy unavailable; numpy columns stay empty")
            helper.terminate()
            return nil
        }
        self.helper = helper
        info = String(first.dropFirst(6))
    }

    /// Mean seconds per numpy matmul of the given shape, over `reps` back-to-back calls.
    func time(m: Int, n: Int, k: Int, mode: String, batch: Int, reps: Int) -> Double? {
        guard let line = helper.request("time \(m) \(n) \(k) \(mode) \(batch) \(reps)"), line.hasPrefix("ok "),
            let seconds = Double(line.dropFirst(3))
        else { return nil }
        return seconds
    }

    /// The script next to this source file's package (any working directory), else ./scripts.
    private static func findScript() -> String? {
        let fromSource = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/gemm_reference.py").path
        let fromCwd = FileManager.default.currentDirectoryPath + "/scripts/gemm_reference.py"
        return [fromSource, fromCwd].first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Progress and diagnostics go to stderr, keeping stdout for the results (and `--json`).
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
