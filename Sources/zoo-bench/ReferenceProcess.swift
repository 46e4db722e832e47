import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    private let process: Process
    private let input: FileHandle
    private let outputFD: Int32
    private var buffer: [UInt8] = []

    /// Starts the helper, or returns nil (with the reason on stderr) when python3, numpy or the
    /// script is missing.
    init?(threads: Int, coreType: String?, cpu: Int? = nil) {
        guard let script = ReferenceProcess.findScript() else {
            log("reference: scripts/gemm_reference.py not found; numpy columns stay empty")
            return nil
        }
        self.threads = threads
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
        env["OPENBLAS_L2_SIZE"] = nil
        if let coreType { env["OPENBLAS_CORETYPE"] = coreType }
        env["ZOO_REFERENCE_CPU"] = cpu.map { String($0) }
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"] {
            env[name] = String(threads)
        }
        let toChild = Pipe(), fromChild = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.environment = env
        process.standardInput = toChild
        process.standardOutput = fromChild
        do { try process.run() } catch {
            log("reference: cannot start python3 (\(error)); numpy columns stay empty")
            return nil
        }
        input = toChild.fileHandleForWriting
        outputFD = fromChild.fileHandleForReading.fileDescriptor
        guard let first = readLine(), first.hasPrefix("ready ") else {
            log("reference: numpy unavailable; numpy columns stay empty")
            process.terminate()
            return nil
        }
        info = String(first.dropFirst(6))
    }

    deinit {
        if process.isRunning {
            try? input.write(contentsOf: Data("quit\n".utf8))
            process.waitUntilExit()
        }
    }

    /// Mean seconds per numpy matmul of the given shape, over `reps` back-to-back calls.
    func time(m: Int, n: Int, k: Int, mode: String, batch: Int, reps: Int) -> Double? {
        do {
            try input.write(contentsOf: Data("time \(m) \(n) \(k) \(mode) \(batch) \(reps)\n".utf8))
        } catch { return nil }
        guard let line = readLine(), line.hasPrefix("ok "), let s = Double(line.dropFirst(3)) else { return nil }
        return s
    }

    private func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let got = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, 4096) }
            if got <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<got])
        }
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
