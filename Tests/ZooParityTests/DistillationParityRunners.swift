// Parity runners of the Distillation cases (filled in when the method lands; until then its cases wait
// in Tests/Fixtures/parity-planned/).
import ZooTensor
import ZooTestSupport

let distillationParityRunners: [String: ParityRunner] = [:]
