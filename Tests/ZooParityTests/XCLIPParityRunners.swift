// Parity runners of the XCLIP cases (filled in when the method lands; until then its cases wait
// in Tests/Fixtures/parity-planned/).
import ZooTensor
import ZooTestSupport

let xclipParityRunners: [String: ParityRunner] = [:]
