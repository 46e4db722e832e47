// Parity runners of the TeachCLIP cases (filled in when the method lands; until then its cases wait
// in Tests/Fixtures/parity-planned/).
import ZooTensor
import ZooTestSupport

let teachclipParityRunners: [String: ParityRunner] = [:]
