import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Run-time CPU feature detection, in pure Swift (no cpuid target). The AVX-512 GEMM kernels
// (target ZooTensorAVX512) may only run where both the CPU has AVX-512F and the OS saves zmm
// state on context switches. Both sources used here already answer that combined question:
// Linux drops `avx512f` from /proc/cpuinfo when it does not enable the AVX-512 xstate components,
// and macOS reports `hw.optional.avx512f` = 1 only when the OS supports it.

/// What the processor running this process supports, read once per process.
public enum CPUFeatures {
    /// Whether AVX-512F instructions may run here (CPU support and OS-enabled zmm state).
    /// Always false on non-x86-64 machines.
    public static let hasAVX512F: Bool = {
        #if arch(x86_64)
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return cpuinfoFlags(text).contains("avx512f")
        #elseif canImport(Darwin)
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname("hw.optional.avx512f", &value, &size, nil, 0) == 0 && value != 0
        #else
        return false
        #endif
        #else
        return false
        #endif
    }()

    /// The feature flags of the first processor listed in a /proc/cpuinfo text (its `flags`
    /// line, split on whitespace); empty when there is none. All processors of a machine
    /// report the same ISA flags, so the first is enough.
    static func cpuinfoFlags(_ text: String) -> Set<Substring> {
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }))
        }
        return []
    }
}
