// Fused layer normalisation over the last dimension, forward and backward.

extension Tensor {
    /// `weight ⊙ (x − μ) / sqrt(σ² + eps) + bias` over the last dimension (biased variance).
    /// CLIP uses eps 1e-5; the CLIP4Clip / X-CLIP / TeachCLIP temporal blocks use 1e-12.
    /// - weight, bias: `[D]` where D is the last dimension of x.
    public func layerNorm(weight: Tensor, bias: Tensor, eps: Float) -> Tensor {
        let width = shape.last ?? 1
        precondition(weight.shape == [width] && bias.shape == [width],
                     "layerNorm: weight \(weight.shape) and bias \(bias.shape) must be [\(width)] for input \(shape)")
        let rows = count / Swift.max(width, 1)
        let result = Tensor(uninitializedShape: shape)
        let normalized = Tensor(uninitializedShape: shape)     // x̂, kept for the backward pass
        let x = storage.pointer, y = result.storage.pointer, xh = normalized.storage.pointer
        let w = weight.storage.pointer, b = bias.storage.pointer
        // Rows are independent: large inputs are split across threads by rows (same bits).
        let inverseDeviations = [Float](unsafeUninitializedCapacity: rows) { inverses, initialized in
            guard let inverseOf = inverses.baseAddress else { return }   // no rows
            Tensor.parallelRows(rows, rowLength: width) { range in
                for r in range {
                    let row = x + r * width
                    // Two-pass mean/variance in double: stable for the 1e-12 eps case.
                    var sum: Double = 0
                    for i in 0..<width { sum += Double(row[i]) }
                    let mean = sum / Double(width)
                    var squares: Double = 0
                    for i in 0..<width { let d = Double(row[i]) - mean; squares += d * d }
                    let inverse = Float(1 / (squares / Double(width) + Double(eps)).squareRoot())
                    inverseOf[r] = inverse
                    let meanF = Float(mean)
                    for i in 0..<width {
                        let v = (row[i] - meanF) * inverse
                        xh[r * width + i] = v
                        y[r * width + i] = v * w[i] + b[i]
                    }
                }
            }
            initialized = rows
        }
        return result.recorded("layerNorm", [self, weight, bias]) { g in
            let pg = g.storage.pointer, xh = normalized.storage.pointer   // keeps x̂ alive with the closure
            let dx = Tensor(uninitializedShape: self.shape)
            let dWeight = Tensor.zeros([width]), dBias = Tensor.zeros([width])
            let d = dx.storage.pointer, dw = dWeight.storage.pointer, db = dBias.storage.pointer
            Tensor.parallelRows(rows, rowLength: width) { range in
                for r in range {
                    let gr = pg + r * width, xr = xh + r * width
                    // dx = inv/D · (D·ĝ − Σĝ − x̂ Σ(ĝ x̂)), with ĝ = g ⊙ w
                    var sumG: Float = 0, sumGX: Float = 0
                    for i in 0..<width {
                        let gh = gr[i] * w[i]
                        sumG += gh
                        sumGX += gh * xr[i]
                    }
                    let inverse = inverseDeviations[r], scale = inverse / Float(width)
                    for i in 0..<width {
                        d[r * width + i] = scale * (Float(width) * gr[i] * w[i] - sumG - xr[i] * sumGX)
                    }
                }
            }
            // dw = Σ_rows g ⊙ x̂ and db = Σ_rows g, each column summed in row order: split by
            // columns, so the sums are the same at any thread count.
            if weight.requiresGrad || bias.requiresGrad {
                Tensor.parallelRows(width, rowLength: rows, alignment: 16) { columns in
                    for r in 0..<rows {
                        let gr = pg + r * width, xr = xh + r * width
                        for i in columns {
                            dw[i] += gr[i] * xr[i]
                            db[i] += gr[i]
                        }
                    }
                }
            }
            return [dx, weight.requiresGrad ? dWeight : nil, bias.requiresGrad ? dBias : nil]
        }
    }
}
