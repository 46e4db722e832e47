// 2-D convolution through im2col + GEMM, and pooling. Layout NCHW, weights [O, C, kh, kw],
// as in PyTorch, so checkpoints load without reordering.

/// Geometry of a 2-D window sliding over an image.
struct WindowGeometry {
    let channels, height, width, kernelHeight, kernelWidth, stride, padding: Int
    var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// Unfolds one image `[C, H, W]` into columns `[C·kh·kw, OH·OW]` (zeros where padded).
    func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let oh = outputHeight, ow = outputWidth
        var row = 0
        for c in 0..<channels {
            for ky in 0..<kernelHeight {
                for kx in 0..<kernelWidth {
                    let out = columns + row * oh * ow
                    for y in 0..<oh {
                        let iy = y * stride - padding + ky
                        for x in 0..<ow {
                            let ix = x * stride - padding + kx
                            out[y * ow + x] = (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                ? image[(c * height + iy) * width + ix] : 0
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds columns back into an image gradient (the adjoint of `unfold`).
    func fold(_ columns: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let oh = outputHeight, ow = outputWidth
        var row = 0
        for c in 0..<channels {
            for ky in 0..<kernelHeight {
                for kx in 0..<kernelWidth {
                    let source = columns + row * oh * ow
                    for y in 0..<oh {
                        let iy = y * stride - padding + ky
                        guard iy >= 0 && iy < height else { continue }
                        for x in 0..<ow {
                            let ix = x * stride - padding + kx
                            if ix >= 0 && ix < width { image[(c * height + iy) * width + ix] += source[y * ow + x] }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}

extension Tensor {
    /// Convolution of `[N, C, H, W]` with `weight` `[O, C, kh, kw]` and optional `bias` `[O]`.
    /// Returns `[N, O, OH, OW]`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) must be [N, C, H, W] and weight \(weight.shape) [O, C, kh, kw] with the same C")
        let geometry = WindowGeometry(channels: shape[1], height: shape[2], width: shape[3],
                                      kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                                      stride: stride, padding: padding)
        precondition(geometry.outputHeight > 0 && geometry.outputWidth > 0,
                     "conv2d: kernel \(weight.shape[2])×\(weight.shape[3]) does not fit input \(shape) with padding \(padding)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "conv2d: bias \(bias.shape) must be [\(weight.shape[0])]") }
        let (batch, outChannels) = (shape[0], weight.shape[0])
        let spatial = geometry.outputHeight * geometry.outputWidth, patch = geometry.patchSize
        let result = Tensor(uninitializedShape: [batch, outChannels, geometry.outputHeight, geometry.outputWidth])
        let columns = Tensor(uninitializedShape: [batch, patch, spatial])
        let imageSize = shape[1] * shape[2] * shape[3]
        for n in 0..<batch {
            geometry.unfold(storage.pointer + n * imageSize, into: columns.storage.pointer + n * patch * spatial)
        }
        // [O, patch] · [patch, spatial] per image.
        GEMM.batchedMultiply(batch: batch, transposeA: false, transposeB: false, m: outChannels, n: spatial, k: patch,
                             a: weight.storage.pointer, lda: patch, strideA: 0,
                             b: columns.storage.pointer, ldb: spatial, strideB: patch * spatial,
                             c: result.storage.pointer, ldc: spatial, strideC: outChannels * spatial)
        if let bias {
            let out = result.storage.pointer, b = bias.storage.pointer
            for n in 0..<batch { for o in 0..<outChannels { let p = out + (n * outChannels + o) * spatial; for s in 0..<spatial { p[s] += b[o] } } }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return result.recorded("conv2d", inputs) { g in
            let gradOut = g.reshapedUntracked([batch, outChannels, spatial])
            var gradients: [Tensor?] = []
            if self.requiresGrad {
                // columns gradient = Wᵀ · G, then folded back into images.
                let gradColumns = Tensor.matmul(weight.reshapedUntracked([outChannels, patch]), gradOut, transposeA: true)
                let dx = Tensor.zeros(self.shape)
                for n in 0..<batch {
                    geometry.fold(gradColumns.storage.pointer + n * patch * spatial, into: dx.storage.pointer + n * imageSize)
                }
                gradients.append(dx)
            } else { gradients.append(nil) }
            gradients.append(weight.requiresGrad
                ? Tensor.matmul(gradOut, columns, transposeB: true).sum(axis: 0).reshaped(weight.shape) : nil)
            if let bias { gradients.append(bias.requiresGrad ? gradOut.sum(axes: [0, 2]) : nil) }
            return gradients
        }
    }

    /// Max pooling of `[N, C, H, W]` over `kernel`×`kernel` windows (stride defaults to kernel).
    public func maxPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        pool(kernel: kernel, stride: stride ?? kernel, maximum: true)
    }

    /// Average pooling of `[N, C, H, W]` over `kernel`×`kernel` windows (stride defaults to kernel).
    public func avgPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        pool(kernel: kernel, stride: stride ?? kernel, maximum: false)
    }

    /// Mean over the spatial dimensions: `[N, C, H, W]` → `[N, C]`.
    public func globalAveragePool() -> Tensor {
        precondition(rank == 4, "globalAveragePool: input must be [N, C, H, W], got \(shape)")
        return mean(axes: [2, 3])
    }

    private func pool(kernel: Int, stride: Int, maximum: Bool) -> Tensor {
        precondition(rank == 4 && shape[2] >= kernel && shape[3] >= kernel,
                     "pool2d: input \(shape) must be [N, C, H, W] with H, W ≥ kernel \(kernel)")
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let oh = (height - kernel) / stride + 1, ow = (width - kernel) / stride + 1
        let result = Tensor(uninitializedShape: [shape[0], shape[1], oh, ow])
        var sources = [Int](repeating: 0, count: maximum ? result.count : 0)   // argmax positions
        let x = storage.pointer, y = result.storage.pointer
        let area = Float(kernel * kernel)
        for p in 0..<planes {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, bestIndex = 0, total: Float = 0
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let index = (p * height + oy * stride + ky) * width + ox * stride + kx
                            if x[index] > best { best = x[index]; bestIndex = index }
                            total += x[index]
                        }
                    }
                    let o = (p * oh + oy) * ow + ox
                    if maximum { y[o] = best; sources[o] = bestIndex } else { y[o] = total / area }
                }
            }
        }
        return result.recorded(maximum ? "maxPool2d" : "avgPool2d", [self]) { [shape] g in
            let dx = Tensor.zeros(shape)
            let d = dx.storage.pointer, pg = g.storage.pointer
            for p in 0..<planes {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = (p * oh + oy) * ow + ox
                        if maximum { d[sources[o]] += pg[o]; continue }
                        for ky in 0..<kernel {
                            for kx in 0..<kernel { d[(p * height + oy * stride + ky) * width + ox * stride + kx] += pg[o] / area }
                        }
                    }
                }
            }
            return [dx]
        }
    }
}
