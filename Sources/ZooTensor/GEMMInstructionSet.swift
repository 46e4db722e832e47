import Foundation

// Which micro-kernels GEMM runs. The AVX2 kernels (GEMMMicroKernel.swift) run everywhere; the
// AVX-512 ones (target ZooTensorAVX512) only where `CPUFeatures.hasAVX512F` holds, so a machine
// without AVX-512 (Zen 3, CI) never executes an AVX-512 instruction, whatever is requested.

/// A family of GEMM micro-kernels.
public enum GEMMInstructionSet: String, Sendable, CaseIterable {
    /// The portable 6x16 `SIMD8<Float>` kernels: AVX2 + FMA on x86-64 (NEON on Arm).
    case avx2
    /// 6x32 `SIMD16<Float>` kernels built with AVX-512F; x86-64 with AVX-512F only.
    case avx512
}

extension GEMM {
    /// The kernels every GEMM in this process uses: AVX-512 when the CPU supports it, else AVX2.
    ///
    /// `ZOO_GEMM_ISA=avx2` in the environment forces AVX2; `ZOO_GEMM_ISA=avx512` asks for AVX-512
    /// but is ignored (with a warning on stderr) where the CPU lacks it. Read once, at first use.
    public static let instructionSet: GEMMInstructionSet = {
        let requested = ProcessInfo.processInfo.environment["ZOO_GEMM_ISA"]
        let (isa, warning) = resolveInstructionSet(requested: requested, avx512Available: avx512Available)
        if let warning { FileHandle.standardError.write(Data("zoo: \(warning)\n".utf8)) }
        return isa
    }()

    /// Whether the AVX-512 kernels exist in this build (x86-64 only) and may run on this CPU.
    static var avx512Available: Bool {
        #if arch(x86_64)
        return CPUFeatures.hasAVX512F
        #else
        return false
        #endif
    }

    /// The instruction set for a `ZOO_GEMM_ISA` value (nil or empty: automatic), and a warning
    /// when the request cannot or need not be followed. Never returns `.avx512` unless available.
    static func resolveInstructionSet(
        requested: String?, avx512Available: Bool
    ) -> (GEMMInstructionSet, warning: String?) {
        let automatic: GEMMInstructionSet = avx512Available ? .avx512 : .avx2
        guard let requested, !requested.isEmpty else { return (automatic, nil) }
        switch GEMMInstructionSet(rawValue: requested.lowercased()) {
        case .avx2: return (.avx2, nil)
        case .avx512:
            return avx512Available ? (.avx512, nil) : (.avx2, "ZOO_GEMM_ISA=avx512 ignored: this CPU has no AVX-512F")
        case nil:
            return (automatic, "ZOO_GEMM_ISA=\(requested) not understood (avx2 or avx512); using \(automatic.rawValue)")
        }
    }

    /// Overrides `instructionSet` for GEMMs started inside `withInstructionSet` (tests cover both
    /// kernel families in one process this way). A task-local, so concurrent tests don't interfere.
    @TaskLocal static var instructionSetOverride: GEMMInstructionSet?

    /// The kernels for a GEMM starting now on this task: the override if any (AVX-512 only when
    /// available), else `instructionSet`. Resolved once per call and stored in `GEMMProblem`,
    /// because the worker threads of a threaded GEMM do not see the caller's task-locals.
    static var currentInstructionSet: GEMMInstructionSet {
        guard let requested = instructionSetOverride else { return instructionSet }
        return requested == .avx512 && !avx512Available ? .avx2 : requested
    }

    /// Runs `body` with GEMMs using `isa` (`.avx512` falls back to `.avx2` where unavailable).
    static func withInstructionSet<R>(_ isa: GEMMInstructionSet, _ body: () throws -> R) rethrows -> R {
        try $instructionSetOverride.withValue(isa, operation: body)
    }
}
